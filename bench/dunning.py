"""Dunning benchmark on PostgreSQL: a daily run over a large portfolio, messages rendered, not sent.

Creates its own database (dropped at the end), migrates it and bulk-loads the dashboard benchmark's
portfolio (``bench/dashboard.py``: default 10,000 customers, 1,000,000 invoices over two years, as of
2026-06-30), gives every customer a billing email, then times, as of 2026-06-30:

- the run's decision (``app.collections.dunning.run`` as a dry run: the tenant's open invoices in one
  query, steps had, pauses, promises, holds, each customer's step and message);
- rendering every email it would send (the text of ``templates/email/dunning/*``, not the PDFs: those
  render in the ``dunning.send`` jobs, one per message, on the email queue's workers);

and prints the totals and the time per customer as Markdown for docs/performance.md. Issue 16's target:
under 2 minutes at the default size.

    python -m bench.dunning --database-url postgres://postgres@127.0.0.1:5432/postgres \
        [--customers 10000] [--invoices 1000000] [--keep]

Run it alone: it is meant to measure, and the test suite's databases share the server.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import asyncpg

from app.collections import dunning
from app.collections.delivery import message_values
from app.collections.dunning import line_json, total_json
from app.db import lifecycle, scratch
from app.notifications import mail
from app.receivables import settlement
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench.dashboard import AS_OF, load

ROOT = Path(__file__).resolve().parent.parent


async def measure(url: str, registry: TenantRegistry, customers: int, invoices: int) -> str:
    await lifecycle.open_database(url)
    try:
        ids = await sync_tenants(registry)
        t0 = time.perf_counter()
        counts = await load(url, ids["northwind"], customers, invoices)
        load_s = time.perf_counter() - t0
        await settlement.refresh(ids["northwind"], whole_tenant=True)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        await conn.execute(
            "UPDATE customer_account SET billing_email = 'ap-' || id || '@customer.example' WHERE tenant_id = $1",
            ids["northwind"],
        )
        await conn.execute("VACUUM ANALYZE")
        await conn.close()

        scope = await system_scope("northwind", principal="bench")
        config = registry.require("northwind").config
        t0 = time.perf_counter()
        report = await dunning.run(scope, config, AS_OF, dry_run=True)
        decide_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        rendered = 0
        for out in report.sent:
            if out.planned.step.channel != "email":
                continue
            lines = [line_json(line) for line in out.planned.lines]
            totals = [total_json(t) for t in out.planned.totals]
            values = message_values(config, out.customer, lines, totals, out.pay_link)
            subject, body = mail.render(out.planned.step.template, **values)
            rendered += bool(subject and body)
        render_s = time.perf_counter() - t0
    finally:
        await lifecycle.close_database()
    total_s = decide_s + render_s
    per_customer_ms = total_s / max(counts["customers"], 1) * 1000
    reasons: dict[str, int] = {}
    for skip in report.skipped:
        reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
    return "\n".join(
        [
            f"Data: {counts['customers']:,} customers, {counts['invoices']:,} invoices (loaded in {load_s:.0f} s); "
            f"run as of {AS_OF.isoformat()}",
            "",
            "| part | time | |",
            "|---|---:|---|",
            f"| decide (dry run) | {decide_s:.2f} s | {len(report.sent):,} messages, {len(report.skipped):,} skipped "
            f"({', '.join(f'{k} {v:,}' for k, v in sorted(reasons.items())) or 'none'}) |",
            f"| render emails | {render_s:.2f} s | {rendered:,} emails |",
            f"| total | {total_s:.2f} s | {per_customer_ms:.3f} ms per customer |",
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")
    url, admin = await scratch.create_database(args.database_url, "ledgerport_bench_dunning")
    try:
        await lifecycle.apply_migrations(url)
        print(await measure(url, registry, args.customers, args.invoices))
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
