"""Dashboard benchmark on PostgreSQL: p50/p95 of the staff API beside the raw SQL it runs.

Creates its own database (dropped at the end), migrates it, bulk-loads one tenant's portfolio with COPY
(default 10,000 customers, 1,000,000 invoices over two years, ~60% paid in full and ~10% in part, 5% of
payments leaving a little unapplied cash; five years of daily FX rates for ten currencies), then times,
in the same run:

- the API: a GraphQL request through the whole app (auth, schema, services, repositories, FX conversion);
- the raw SQL: the very statements that request sent to the database, captured and replayed on a bare
  asyncpg connection (no Tortoise, no Python aggregation, no GraphQL);

and prints p50/p95 of both and their ratio, as Markdown for docs/performance.md.

    python -m bench.dashboard --database-url postgres://postgres@127.0.0.1:5432/postgres \
        [--customers 10000] [--invoices 1000000] [--runs 7] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
from tortoise import connections
from tortoise.transactions import in_transaction

from app.auth import tokens as token_service
from app.db import lifecycle, scratch
from app.models.enums import StaffRole
from app.receivables import settlement
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from schema.common.ids import encode_id

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 6, 30)
REGIONS = ["North", "South", "East", "West", "Central", "APAC", "EMEA", "LATAM"]
FX_CURRENCIES = ["EUR", "GBP", "JPY", "CAD", "MXN", "BRL", "CHF", "AUD", "SEK", "NOK"]
FX_DAYS = 5 * 365
SEGMENTS = ["Enterprise", "Mid-market", "SMB"]
COUNTRIES = ["US", "CA", "MX", "GB", "DE", "FR", "JP", "BR"]

SUMMARY = '{ arSummary(asOf: "2026-06-30") { totalOpen { amount } overdue { amount } netBalance { amount } aging { buckets { label amount { amount } count } } dso countbackDso bestPossibleDso averageDaysDelinquent cei customersWithBalance customersOverLimit openDisputes { count } } }'
BREAKDOWN = '{ arBreakdown(by: REGION, asOf: "2026-06-30") { key totalOpen { amount } overdue { amount } netBalance { amount } dso cei aging { buckets { amount { amount } } } } }'
# The nested figures: balances, aging, utilisation and five open invoices per customer.
CUSTOMERS = '{ customers(first: 50, asOf: "2026-06-30", orderBy: ORDER) { totalCount edges { node { name balances { totalOpen { amount } overdue { amount } netBalance { amount } utilisation aging { buckets { amount { amount } } } } openInvoices(first: 5) { number openAmount { amount } daysPastDue } } } } }'
# The same with each customer's collection priority score (computed for the page when selected).
CUSTOMERS_PRIORITY = CUSTOMERS.replace("node { name", "node { name priority { score }")
CUSTOMER = 'query ($id: ID!) { customer(id: $id, asOf: "2026-06-30") { name priority { score } balances { totalOpen { amount } netBalance { amount } exposure { amount } utilisation aging { buckets { amount { amount } } } } openInvoices { number openAmount { amount } } paymentBehaviour { averageDaysToPay averageDaysLate onTimeRate } profitability { revenue { amount } growth } } }'


async def _copy(conn: asyncpg.Connection, table: str, columns: list[str], rows) -> None:
    await conn.copy_records_to_table(table, records=rows, columns=columns)


async def load(url: str, tenant_id: int, customers: int, invoices: int, seed: int = 7) -> dict[str, int]:
    """Bulk-load the portfolio with COPY; returns row counts."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await _copy(
            conn,
            "customer_account",
            [
                "id",
                "tenant_id",
                "external_id",
                "account_number",
                "legal_name",
                "region",
                "country",
                "segment",
                "currency",
                "payment_terms_days",
                "credit_limit",
                "risk_rating",
                "kyc_status",
                "onboarding_status",
                "is_intercompany",
                "sales_owner",
                "billing_address",
                "billing_email",
                "tax_id",
                "created_at",
                "updated_at",
            ],
            [
                (
                    i,
                    tenant_id,
                    f"C{i}",
                    f"ACC-{i:06d}",
                    f"Customer {i:06d}",
                    REGIONS[i % 8],
                    COUNTRIES[i % 8],
                    SEGMENTS[i % 3],
                    "USD",
                    30,
                    rnd.choice([None, 5_000_00, 50_000_00, 500_000_00]),
                    "ABCDE"[i % 5],
                    "approved",
                    "approved",
                    False,
                    f"rep{i % 40}@northwind.example",
                    "",
                    "",
                    "",
                    now,
                    now,
                )
                for i in range(1, customers + 1)
            ],
        )
        start = AS_OF - timedelta(days=720)
        inv_rows, pay_rows, alloc_rows = [], [], []
        pay_id = 0
        for i in range(1, invoices + 1):
            customer_id = rnd.randint(1, customers)
            issued = start + timedelta(days=rnd.randint(0, 720))
            due = issued + timedelta(days=30)
            total = rnd.randint(50_00, 20_000_00)
            inv_rows.append(
                (
                    i,
                    tenant_id,
                    customer_id,
                    f"I{i}",
                    f"INV-{i:07d}",
                    issued,
                    due,
                    "USD",
                    total,
                    0,
                    total,
                    "open",
                    "",
                    0,
                    None,
                    now,
                    now,
                )
            )
            roll = rnd.random()
            paid_on = due + timedelta(days=rnd.randint(-20, 60))
            if roll < 0.6 and paid_on <= AS_OF:  # fully paid
                amount = total
            elif roll < 0.7 and paid_on <= AS_OF:  # partly paid
                amount = total // 2
            else:
                continue
            pay_id += 1
            extra = 10_00 if rnd.random() < 0.05 else 0  # a little unapplied cash
            pay_rows.append(
                (
                    pay_id,
                    tenant_id,
                    customer_id,
                    f"P{pay_id}",
                    paid_on,
                    amount + extra,
                    "USD",
                    "wire",
                    "",
                    "succeeded",
                    "oldest_first",
                    "",
                    amount,
                    paid_on,
                    now,
                    now,
                )
            )
            alloc_rows.append((pay_id, tenant_id, pay_id, i, amount, paid_on))
            # The maintained settlement sums, written with the rows as the ingest path does.
            inv_rows[-1] = (*inv_rows[-1][:13], amount, paid_on, now, now)
        await _copy(
            conn,
            "invoice",
            [
                "id",
                "tenant_id",
                "customer_id",
                "external_id",
                "number",
                "issue_date",
                "due_date",
                "currency",
                "subtotal",
                "tax",
                "total",
                "status",
                "po_number",
                "settled",
                "last_settlement_on",
                "created_at",
                "updated_at",
            ],
            inv_rows,
        )
        await _copy(
            conn,
            "payment",
            [
                "id",
                "tenant_id",
                "customer_id",
                "external_id",
                "received_date",
                "amount",
                "currency",
                "method",
                "reference",
                "status",
                "allocation_plan",
                "failure_message",
                "applied",
                "last_applied_on",
                "created_at",
                "updated_at",
            ],
            pay_rows,
        )
        await _copy(
            conn,
            "payment_allocation",
            ["id", "tenant_id", "payment_id", "invoice_id", "amount", "date"],
            alloc_rows,
        )
        # Five years of daily rates for ten currencies, as a tenant feeding a central bank's rates holds:
        # every summary and figure-ordered page reads the latest rate of each currency.
        fx_rows = [
            (tenant_id, currency, AS_OF - timedelta(days=n), Decimal("1.1"))
            for currency in FX_CURRENCIES
            for n in range(FX_DAYS)
        ]
        await _copy(conn, "fx_rate", ["tenant_id", "currency", "date", "rate"], fx_rows)
        for table in ("customer_account", "invoice", "payment", "payment_allocation"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        await conn.execute("ANALYZE")
        return {
            "customers": customers,
            "invoices": invoices,
            "payments": len(pay_rows),
            "fx_rates": len(fx_rows),
        }
    finally:
        await conn.close()


class Recorder:
    """Captures the statements (and values) the app sends on the default connection."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list]] = []
        self.active = False
        conn = connections.get("default")
        for name in ("execute_query", "execute_query_dict"):
            original = getattr(conn, name)

            def wrap(original=original):
                async def recorded(query, values=None, *args, **kwargs):
                    if self.active:
                        self.statements.append((str(query), list(values or [])))
                    return await original(query, values, *args, **kwargs)

                return recorded

            setattr(conn, name, wrap())


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(client, token, query, variables, recorder: Recorder, raw_conn, runs: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)  # warm up
    recorder.statements.clear()
    recorder.active = True
    body = (
        await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    ).json()
    recorder.active = False
    assert "errors" not in body, body
    statements = [s for s in recorder.statements if "api_token" not in s[0]]
    api, raw = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        api.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for sql, values in statements:
            await raw_conn.fetch(sql, *values)
        raw.append((time.perf_counter() - t0) * 1000)
    return {
        "api_p50": statistics.median(api),
        "api_p95": pct(api, 0.95),
        "raw_p50": statistics.median(raw),
        "raw_p95": pct(raw, 0.95),
        "statements": len(statements),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL) for EXPLAIN")
    args = parser.parse_args()

    url, admin = await scratch.create_database(args.database_url, "ledgerport_bench")
    try:
        await lifecycle.apply_migrations(url)
        await lifecycle.open_database(url)
        registry = TenantRegistry.load(ROOT / "tenants")
        ids = await sync_tenants(registry)
        t0 = time.perf_counter()
        counts = await load(url, ids["northwind"], args.customers, args.invoices)
        load_s = time.perf_counter() - t0
        # The rows were COPYed with their settlement sums, as the ingest path writes them; a
        # whole-tenant refresh confirms them (it rewrites only rows that disagree), then vacuum and
        # analyse as autovacuum eventually would.
        t0 = time.perf_counter()
        async with in_transaction() as conn:
            await settlement.refresh(ids["northwind"], whole_tenant=True, conn=conn)
        refresh_s = time.perf_counter() - t0
        assert await settlement.drift(ids["northwind"]) == []
        maintenance = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        await maintenance.execute("VACUUM ANALYZE")
        await maintenance.close()
        if args.runs == 0:
            return
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(scope, name="bench", role=StaffRole.ADMIN)

        from app.web.app import create_app

        settings = Settings(env=Environment.TEST, database_url=url, tenants_dir=ROOT / "tenants")
        app = create_app(settings, registry, manage_database=False)
        recorder = Recorder()
        # The same session settings as the app's (app/db/config.py), so the comparison is like for like.
        raw_conn = await asyncpg.connect(
            url.replace("postgres://", "postgresql://", 1), server_settings={"jit": "off"}
        )
        transport = httpx.ASGITransport(app=app)
        results = {}
        # Started as the server starts it (its lifespan: tenant sync, start-up heap frozen).
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client,
        ):
            cases = [
                ("arSummary", SUMMARY, {}),
                ("arBreakdown(REGION)", BREAKDOWN, {}),
                ("customers(first: 50) nested, by name", CUSTOMERS.replace("ORDER", "NAME"), {}),
                (
                    "customers(first: 50) nested + priority, by name",
                    CUSTOMERS_PRIORITY.replace("ORDER", "NAME"),
                    {},
                ),
                (
                    "customers(first: 50) nested + priority, by net balance",
                    CUSTOMERS_PRIORITY.replace("ORDER", "NET_BALANCE"),
                    {},
                ),
                ("customer(id)", CUSTOMER, {"id": encode_id("Customer", 1)}),
            ]
            for name, query, variables in cases:
                results[name] = await measure(client, token, query, variables, recorder, raw_conn, args.runs)
                print(f"measured {name}", flush=True)
        await raw_conn.close()
        print()
        print(
            f"Data: {counts['customers']:,} customers, {counts['invoices']:,} invoices, "
            f"{counts['payments']:,} payments/allocations, {counts['fx_rates']:,} daily FX rates; "
            f"loaded in {load_s:.0f} s; maintained settlement sums checked by a whole-tenant refresh in "
            f"{refresh_s:.1f} s; {args.runs} runs each."
        )
        print()
        print(
            "| query | SQL statements | API p50 ms | API p95 ms | raw SQL p50 ms | raw SQL p95 ms | ratio (p50) |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, r in results.items():
            print(
                f"| {name} | {r['statements']} | {r['api_p50']:.0f} | {r['api_p95']:.0f} | {r['raw_p50']:.0f} | "
                f"{r['raw_p95']:.0f} | {r['api_p50'] / r['raw_p50']:.2f} |"
            )
    finally:
        await lifecycle.close_database()
        if args.keep:
            print(f"kept {url}")
        else:
            await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
