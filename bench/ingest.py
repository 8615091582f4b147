"""Ingest benchmark: 10,000 customers and 1,000,000 invoices with their payments into PostgreSQL.

Creates a uniquely named database on the server of ``BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``), migrates it, imports the data through
``app.ingest.service.import_batch`` in batches of ``--customers-per-batch`` customers (each batch validated
and written in one transaction, as an ERP sync would send it) from ``--workers`` processes that each take
a share of the customers (the way parallel sync jobs would), then measures PostgreSQL's own binary COPY
of exactly the rows the import wrote (copied out, tables emptied, copied back in) and prints the ratio.
The database is dropped at the end.

    python bench/ingest.py [--customers 10000] [--invoices 1000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tortoise import connections  # noqa: E402

from app.db import lifecycle  # noqa: E402
from app.ingest.service import import_batch  # noqa: E402
from app.tenancy.registry import TenantRegistry  # noqa: E402
from app.tenancy.service import sync_tenants, system_scope  # noqa: E402

TABLES = ("customer_account", "invoice", "invoice_line", "payment", "payment_allocation")
START = date(2024, 1, 1)


def make_batch(first: int, customers: int, invoices_per_customer: int) -> dict:
    """Customers ``first``..; each with invoices of one line and a payment allocated in full to each."""
    batch: dict[str, list] = {"customers": [], "invoices": [], "payments": []}
    for c in range(first, first + customers):
        cust = f"C{c:06d}"
        batch["customers"].append(
            {"externalId": cust, "accountNumber": f"A{c:06d}", "name": f"Customer {c}", "currency": "USD"}
        )
        for n in range(invoices_per_customer):
            ext = f"I{c:06d}-{n:04d}"
            issue = START + timedelta(days=(c + n * 7) % 700)
            cents = 1000 + (c * 7919 + n * 104729) % 500000
            amount = f"{cents // 100}.{cents % 100:02d}"
            batch["invoices"].append(
                {
                    "externalId": ext,
                    "number": ext,
                    "customer": cust,
                    "issueDate": issue.isoformat(),
                    "dueDate": (issue + timedelta(days=30)).isoformat(),
                    "currency": "USD",
                    "lines": [{"description": "Goods", "quantity": "1", "unitPrice": amount}],
                }
            )
            batch["payments"].append(
                {
                    "externalId": f"P{c:06d}-{n:04d}",
                    "customer": cust,
                    "receivedDate": (issue + timedelta(days=25)).isoformat(),
                    "currency": "USD",
                    "amount": amount,
                    "allocations": [{"invoice": ext, "amount": amount}],
                }
            )
    return batch


def _shares(customers: int, workers: int) -> list[tuple[int, int]]:
    size = -(-customers // workers)
    return [(first, min(first + size - 1, customers)) for first in range(1, customers + 1, size)]


def run_worker(url: str, first: int, last: int, per_customer: int, per_batch: int) -> int:
    """One import stream (its own process and connection): customers ``first``..``last`` in batches."""

    async def work() -> int:
        await lifecycle.open_database(url)
        try:
            scope = await system_scope("northwind", principal="bench")
            written = 0
            started = time.perf_counter()
            for start in range(first, last + 1, per_batch):
                count = min(per_batch, last + 1 - start)
                result = await import_batch(scope, make_batch(start, count, per_customer))
                written += result.rows_written
                elapsed = time.perf_counter() - started
                print(
                    f"  customers {start}-{start + count - 1}: {written:>9} rows  {elapsed:6.1f} s",
                    flush=True,
                )
            return written
        finally:
            await connections.close_all()

    return asyncio.run(work())


async def postgres_copy(conn) -> tuple[float, int]:
    """Time PostgreSQL's binary COPY FROM of the rows the import wrote (same tables, same indexes)."""
    buffers = {}
    for table in TABLES:
        buffer = io.BytesIO()
        await conn.copy_from_table(table, output=buffer, format="binary")
        buffers[table] = buffer
    rows = 0
    async with conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        started = time.perf_counter()
        for table in TABLES:
            buffers[table].seek(0)
            status = await conn.copy_to_table(table, source=buffers[table], format="binary")
            rows += int(status.split()[-1])
        elapsed = time.perf_counter() - started
    return elapsed, rows


async def main(args: argparse.Namespace) -> None:
    import asyncpg

    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    name = f"ledgerport_bench_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    url = urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await lifecycle.apply_migrations(url)
        await lifecycle.open_database(url)
        await sync_tenants(TenantRegistry.load(ROOT / "tenants"))
        await lifecycle.close_database()
        per_customer = args.invoices // args.customers
        shares = _shares(args.customers, args.workers)
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.workers, mp_context=context) as pool:
            jobs = [
                loop.run_in_executor(
                    pool, run_worker, url, first, last, per_customer, args.customers_per_batch
                )
                for first, last in shares
            ]
            written = sum(await asyncio.gather(*jobs))
        ingest = time.perf_counter() - started
        print(
            f"ingest ({args.workers} workers): {written} rows ({args.invoices} invoices) in {ingest:.1f} s "
            f"= {written / ingest:,.0f} rows/s"
        )
        raw = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, f"/{name}", "", "")))
        try:
            copy_seconds, copy_rows = await postgres_copy(raw)
        finally:
            await raw.close()
        print(
            f"postgres COPY of the same {copy_rows} rows: {copy_seconds:.1f} s = {copy_rows / copy_seconds:,.0f} rows/s"
        )
        print(f"ratio ingest / COPY: {ingest / copy_seconds:.1f}x")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers-per-batch", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="parallel import processes")
    asyncio.run(main(parser.parse_args()))
