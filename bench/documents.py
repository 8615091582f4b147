"""Document benchmark: our whole path beside WeasyPrint alone on the same HTML.

    .venv/bin/python bench/documents.py [--quick]

Seeds a throw-away SQLite database, then prints p50 timings for an invoice, statements of 100 and 1,000
lines and a cached re-download through the HTTP route, and the month-end batch rate per core. Each line
shows stock WeasyPrint rendering the very same HTML in one piece on one core, and the ratio: what our
queries, view models, templates and caching add, and what our rendering saves (a leaner user-agent
stylesheet; long statements laid out as sections on every core). Targets (issue #6): invoice p50 < 200 ms,
1,000-line statement < 4 s, cached download < 5 ms.

"ours" is the download path (``service.prepare_*`` + ``service.render``, cache cleared). The process pool
that lays out long statements is warmed before timing, as the server does at start-up; the batch line
includes its own pool's start-up. The machine is shared, so the two columns are timed in turns and the
load average is printed first and last.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.db import lifecycle  # noqa: E402
from app.documents import batch, pool, render, sections, service  # noqa: E402
from app.documents.cache import rendered  # noqa: E402
from app.models import CustomerAccount, Invoice, InvoiceLine, Payment  # noqa: E402
from app.models.enums import StaffRole  # noqa: E402
from app.settings import Environment, Settings  # noqa: E402
from app.tenancy.registry import TenantRegistry  # noqa: E402
from app.tenancy.service import sync_tenants, system_scope  # noqa: E402

AS_OF = date(2026, 6, 30)


async def seed_customer(scope, account: str, rows: int) -> int:
    """A customer whose activity statement over the last year has ``rows`` lines (invoices and payments)."""
    cust = await CustomerAccount.create(
        tenant_id=scope.tenant_id, external_id=f"c-{account}", account_number=account,
        legal_name=f"Bench {account} Ltd", currency="USD", billing_address="1 Bench Road\nChicago, IL",
    )  # fmt: skip
    start = AS_OF - timedelta(days=364)
    invoices = [
        Invoice(
            tenant_id=scope.tenant_id,
            customer_id=cust.id,
            external_id=f"{account}-i{i}",
            number=f"{account}-INV-{i:05d}",
            issue_date=start + timedelta(days=i * 365 // rows),
            due_date=start + timedelta(days=i * 365 // rows + 30),
            currency="USD",
            subtotal=100000 + i,
            tax=0,
            total=100000 + i,
        )
        for i in range(rows // 2)
    ]
    payments = [
        Payment(
            tenant_id=scope.tenant_id,
            customer_id=cust.id,
            external_id=f"{account}-p{i}",
            received_date=start + timedelta(days=i * 365 // rows + 20),
            amount=90000,
            currency="USD",
            reference=f"WIRE-{account}-{i:05d}",
        )
        for i in range(rows - rows // 2)
    ]
    await Invoice.bulk_create(invoices)
    await Payment.bulk_create(payments)
    return cust.id


async def seed_invoice(scope) -> int:
    cust = await CustomerAccount.create(
        tenant_id=scope.tenant_id, external_id="c-inv", account_number="INV-CUST",
        legal_name="Société Générale Île-de-France", currency="USD", billing_address="29 Bd Haussmann\nParis",
    )  # fmt: skip
    inv = await Invoice.create(
        tenant_id=scope.tenant_id, customer_id=cust.id, external_id="i-1", number="INV-000123",
        issue_date=date(2026, 6, 1), due_date=date(2026, 7, 1), currency="USD", subtotal=1000000,
        tax=80000, total=1080000, po_number="PO-1",
    )  # fmt: skip
    for position in range(1, 11):
        await InvoiceLine.create(
            tenant_id=scope.tenant_id,
            invoice_id=inv.id,
            position=position,
            description=f"Component {position}",
            quantity=10,
            unit_price=10000,
            amount=100000,
            tax=8000,
        )
    return inv.id


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


async def timed(repeats: int, work) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - started)
    return samples


def stock_weasyprint(html: str) -> bytes:
    """WeasyPrint as installed, with none of our tuning (``render.html_to_pdf`` trims its UA stylesheet)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(render.templates_dir())).write_pdf()


def weasyprint_alone(html: str, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        stock_weasyprint(html)
        samples.append(time.perf_counter() - started)
    return samples


async def side_by_side(repeats: int, ours, html: str) -> tuple[float, float]:
    """p50 of ``ours`` and of WeasyPrint alone on ``html``, taken in turns: on a shared machine the load
    changes by the second, and both columns should see the same."""
    mine, alone = [], []
    for _ in range(repeats):
        mine += await timed(1, ours)
        alone += weasyprint_alone(html, 1)
    return p50(mine), p50(alone)


def row(name: str, ours: float, alone: float, target: str = "") -> None:
    print(f"{name:<34} {ours * 1000:>10.1f} ms {alone * 1000:>10.1f} ms {ours / alone:>7.2f}x  {target}")


async def main(quick: bool) -> None:
    reps = {"invoice": 5 if quick else 15, "s100": 3 if quick else 7, "s1000": 1 if quick else 3}
    workdir = Path(tempfile.mkdtemp(prefix="ledgerport-bench-"))
    url = f"sqlite://{workdir / 'bench.sqlite3'}"
    await lifecycle.apply_migrations(url)
    await lifecycle.open_database(url)
    registry = TenantRegistry.load(ROOT / "tenants")
    await sync_tenants(registry)
    scope = await system_scope("northwind")
    invoice_id = await seed_invoice(scope)
    s100 = await seed_customer(scope, "S100", 100)
    s1000 = await seed_customer(scope, "S1000", 1000)
    batch_ids = [await seed_customer(scope, f"B{i:02d}", 40) for i in range(8 if quick else 32)]
    render.render_pdf("invoice.html", (await service.prepare_invoice(scope, invoice_id)).view)  # warm up
    processes = len(pool.warm())  # as at server start-up

    print(f"load average {os.getloadavg()[0]:.2f} at start; {os.cpu_count()} cores")
    print(f"{'document (p50)':<34} {'ours':>13} {'WeasyPrint':>13} {'ratio':>8}  target")

    async def uncached(prepare):
        async def work():
            rendered.clear()
            await service.render(await prepare())

        return work

    prepare_inv = lambda: service.prepare_invoice(scope, invoice_id)  # noqa: E731
    html = render.render_html("invoice.html", (await prepare_inv()).view)
    ours, alone = await side_by_side(reps["invoice"], await uncached(prepare_inv), html)
    row("invoice (10 lines)", ours, alone, "< 200 ms")

    start = AS_OF - timedelta(days=364)
    for label, cid, key, target in [
        ("statement, 100 lines", s100, "s100", ""),
        ("statement, 1,000 lines", s1000, "s1000", "< 4,000 ms"),
    ]:
        prepare = lambda cid=cid: service.prepare_statement(scope, cid, "activity", start, AS_OF)  # noqa: E731
        prepared = await prepare()
        assert len(prepared.view.rows) in (100, 1000), len(prepared.view.rows)
        html = render.render_html("statement.html", prepared.view)
        ours, alone = await side_by_side(reps[key], await uncached(prepare), html)
        pieces = len(sections.split(prepared.view))
        how = f"({pieces} sections, {processes} warm processes)" if pieces > 1 else "(one piece)"
        row(label, ours, alone, f"{target:<12}{how}")

    # A cached re-download, through the real route with a real token, as a client sees it.
    from app.auth import tokens
    from app.documents.urls import invoice_pdf_url
    from app.web.app import create_app

    _, secret = await tokens.create_token(scope, name="bench", role=StaffRole.FINANCE)
    settings = Settings(env=Environment.TEST, database_url=url, tenants_dir=ROOT / "tenants")
    app = create_app(settings, registry, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        headers = {"Authorization": f"Bearer {secret}"}
        first = await client.get(invoice_pdf_url(invoice_id), headers=headers)
        assert first.status_code == 200

        async def download():
            assert (await client.get(invoice_pdf_url(invoice_id), headers=headers)).status_code == 200

        cached = p50(await timed(50, download))
    html = render.render_html("invoice.html", (await prepare_inv()).view)
    row("cached invoice re-download (HTTP)", cached, p50(weasyprint_alone(html, 5)), "< 5 ms")

    prepared = [await service.prepare_statement(scope, cid, "activity", start, AS_OF) for cid in batch_ids]
    workers = pool.default_size()
    started = time.perf_counter()
    batch.render_all(prepared, workdir / "batch", workers=workers)
    ours_rate = len(prepared) / (time.perf_counter() - started) / workers
    htmls = [render.render_html(p.template, p.view) for p in prepared]
    started = time.perf_counter()
    for h in htmls:
        stock_weasyprint(h)
    alone_rate = len(htmls) / (time.perf_counter() - started)
    print(
        f"{'batch, 40-line statements':<34} {ours_rate:>8.2f} /s/core {alone_rate:>6.2f} /s/core "
        f"{ours_rate / alone_rate:>7.2f}x  ({len(prepared)} statements, {workers} processes, incl. start-up)"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    pool.shutdown()
    await lifecycle.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    asyncio.run(main(parser.parse_args().quick))
    os._exit(0)
