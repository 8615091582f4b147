"""Dashboard benchmark on PostgreSQL or SQLite: p50/p95 of the staff API beside raw SQL of the same figures.

PostgreSQL (the default): creates its own database (dropped at the end), migrates it, bulk-loads one
tenant's portfolio with COPY (default 10,000 customers, 1,000,000 invoices over two years, ~60% paid in
full and ~10% in part, 5% of payments leaving a little unapplied cash; five years of daily FX rates for
ten currencies), as of 2026-06-30.

SQLite (``--engine sqlite``): the demo's data (``make demo``: northwind 8,000 customers, 24 months, seed
42, and cloudly), seeded by the real seeder through ingest and cached under ``var/bench/``
(``bench/demo_data.py``), on a fresh copy of that file, as of the day it was seeded for.

Then it times, in the same run and in turns:

- the API: a GraphQL request through the whole app (auth, schema, services, repositories, FX conversion);
- hand-written SQL: one statement computing the same figures (``bench/handwritten.py``), on a bare
  connection of the same kind (asyncpg with the app's session settings, or aiosqlite with the app's
  pragmas); before timing, the figures it gives are checked against the API's;
- replay: the very statements the request sent, captured and replayed on that bare connection;

and prints p50/p95 and the ratios, as Markdown for docs/performance.md.

    python -m bench.dashboard --database-url postgres://postgres@127.0.0.1:5432/postgres \
        [--customers 10000] [--invoices 1000000] [--runs 7] [--keep]
    python -m bench.dashboard --engine sqlite [--customers 8000] [--months 24] [--seed 42] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import httpx
from tortoise import connections
from tortoise.transactions import in_transaction

from app.auth import tokens as token_service
from app.db import lifecycle, scratch
from app.db.sql import compile_params, fetch_all
from app.demo.data import DEMO_DATA, DEMO_SEED
from app.fx.service import Converter, all_rates
from app.models.enums import StaffRole
from app.money import to_minor
from app.receivables import settlement
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench import demo_data, handwritten
from schema.common.ids import encode_id

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 6, 30)  # PostgreSQL's data; the SQLite demo's is the day it was seeded for
BASE = "USD"  # northwind's base currency
EDGES = [30, 60, 90, 120]  # northwind's aging buckets (tenants/northwind.toml)
REGIONS = ["North", "South", "East", "West", "Central", "APAC", "EMEA", "LATAM"]
FX_CURRENCIES = ["EUR", "GBP", "JPY", "CAD", "MXN", "BRL", "CHF", "AUD", "SEK", "NOK"]
FX_DAYS = 5 * 365
SEGMENTS = ["Enterprise", "Mid-market", "SMB"]
COUNTRIES = ["US", "CA", "MX", "GB", "DE", "FR", "JP", "BR"]

SUMMARY = '{ arSummary(asOf: "ASOF") { totalOpen { amount } overdue { amount } netBalance { amount } aging { buckets { label amount { amount } count } } dso countbackDso bestPossibleDso averageDaysDelinquent cei customersWithBalance customersOverLimit openDisputes { count } } }'
BREAKDOWN = '{ arBreakdown(by: REGION, asOf: "ASOF") { key totalOpen { amount } overdue { amount } netBalance { amount } dso cei aging { buckets { amount { amount } } } } }'
# The nested figures: balances, aging, utilisation and five open invoices per customer.
CUSTOMERS = '{ customers(first: 50, asOf: "ASOF", orderBy: ORDER) { totalCount edges { node { name balances { totalOpen { amount } overdue { amount } netBalance { amount } utilisation aging { buckets { amount { amount } } } } openInvoices(first: 5) { number openAmount { amount } daysPastDue } } } } }'
# The same with each customer's collection priority score (computed for the page when selected).
CUSTOMERS_PRIORITY = CUSTOMERS.replace("node { name", "node { name priority { score }")
WORKLIST = '{ collectionWorklist(first: 50, asOf: "ASOF") { totalCount edges { node { suggestedAction priority { score weightedOverdue { amount } } customer { name balances { netBalance { amount } } } } } } }'
CUSTOMER = 'query ($id: ID!) { customer(id: $id, asOf: "ASOF") { name priority { score } balances { totalOpen { amount } netBalance { amount } exposure { amount } utilisation aging { buckets { amount { amount } } } } openInvoices { number openAmount { amount } } paymentBehaviour { averageDaysToPay averageDaysLate onTimeRate } profitability { revenue { amount } growth } } }'


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


class Bare:
    """A bare connection of the app's kind (asyncpg with its session settings, or aiosqlite with its
    pragmas): no Tortoise, no Python aggregation, no GraphQL."""

    def __init__(self, dialect: str, conn) -> None:
        self.dialect = dialect
        self.conn = conn

    @classmethod
    async def open(cls, url: str) -> Bare:
        if url.startswith("sqlite://"):
            db = await aiosqlite.connect(url.removeprefix("sqlite://"), isolation_level=None)
            for pragma, value in connections.get("default").pragmas.items():
                await db.execute(f"PRAGMA {pragma}={value}")
            return cls("sqlite", db)
        # The same session settings as the app's (app/db/config.py), so the comparison is like for like.
        conn = await asyncpg.connect(
            url.replace("postgres://", "postgresql://", 1), server_settings={"jit": "off"}
        )
        return cls("postgres", conn)

    async def fetch(self, sql: str, values: list) -> list:
        if self.dialect == "postgres":
            return list(await self.conn.fetch(sql, *values))
        async with self.conn.execute(sql, values) as cursor:
            return list(await cursor.fetchall())

    async def fetch_named(self, sql: str, params: dict) -> list[dict]:
        text, values = compile_params(sql, params, self.dialect)
        if self.dialect == "postgres":
            return [dict(r) for r in await self.conn.fetch(text, *values)]
        async with self.conn.execute(text, values) as cursor:
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in await cursor.fetchall()]

    async def close(self) -> None:
        await self.conn.close()


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def minor(money: dict) -> int:
    """``{amount: "1234.50"}`` in minor units of the tenant's base currency."""
    return to_minor(money["amount"], BASE)


@dataclass
class Context:
    """What the hand-written statements and their checks need: the tenant, the date, the rates."""

    tenant_id: int
    as_of: date
    fx: Converter
    customer_id: int

    def params(self) -> tuple[dict[str, Any], str]:
        params, values = handwritten.parameters(
            self.tenant_id, self.as_of, EDGES, {c: self.fx.factor(c) for c in self.fx.rates}
        )
        return {**params, "customer_id": self.customer_id}, values

    def base(self, per_currency: dict[str, int]) -> int:
        return sum(self.fx.convert(amount, currency) for currency, amount in per_currency.items())


def _per_group(rows: list[dict], kind: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r["kind"] == kind:
            out[r["grp"]][r["currency"]] += int(r["amount"])
    return out


def check_summary(ctx: Context, body: dict, rows: list[dict]) -> None:
    figures = body["data"]["arSummary"]
    open_, unapplied = _per_group(rows, "aging")[""], _per_group(rows, "unapplied")[""]
    current = defaultdict(int)
    for r in rows:
        if r["kind"] == "aging" and int(r["bucket"]) == 0:
            current[r["currency"]] += int(r["amount"])
    customers = next(r for r in rows if r["kind"] == "customers")
    ours = {
        "totalOpen": ctx.base(open_),
        "overdue": sum(ctx.fx.convert(open_[c] - current[c], c) for c in open_),
        "netBalance": ctx.base(open_) - ctx.base(unapplied),
        "customersWithBalance": int(customers["amount"]),
        "customersOverLimit": int(customers["n"]),
        "openDisputes": sum(int(r["n"]) for r in rows if r["kind"] == "disputes"),
    }
    api = {
        "totalOpen": minor(figures["totalOpen"]),
        "overdue": minor(figures["overdue"]),
        "netBalance": minor(figures["netBalance"]),
        "customersWithBalance": figures["customersWithBalance"],
        "customersOverLimit": figures["customersOverLimit"],
        "openDisputes": figures["openDisputes"]["count"],
    }
    assert ours == api, f"hand-written summary differs: {ours} != {api}"


def check_breakdown(ctx: Context, body: dict, rows: list[dict]) -> None:
    open_, unapplied = _per_group(rows, "aging"), _per_group(rows, "unapplied")
    # A group with any figure is a row (customer counts of a CURRENCY breakdown come as group '').
    groups = {r["grp"] for r in rows} - {""}
    ours = {k: ctx.base(open_.get(k, {})) - ctx.base(unapplied.get(k, {})) for k in groups}
    api = {r["key"]: minor(r["netBalance"]) for r in body["data"]["arBreakdown"]}
    assert ours == api, f"hand-written breakdown differs: {ours} != {api}"


def check_page(field: str):
    def check(_ctx: Context, body: dict, rows: list[dict]) -> None:
        page = [r for r in rows if r["kind"] == "customer"]
        ours = [r["number"] for r in sorted(page, key=lambda r: int(r["bucket"]))]
        edges = body["data"][field]["edges"]
        api = [e["node"]["customer"]["name"] if "customer" in e["node"] else e["node"]["name"] for e in edges]
        assert ours == api, f"hand-written page differs: {ours[:5]}... != {api[:5]}..."

    return check


def check_customer(ctx: Context, body: dict, rows: list[dict]) -> None:
    figures = body["data"]["customer"]
    open_ = defaultdict(int)
    for r in rows:
        if r["kind"] == "aging":
            open_[r["currency"]] += int(r["amount"])
    # The query asks for the five oldest-due open invoices (openInvoices' default).
    invoices = min(5, sum(1 for r in rows if r["kind"] == "invoice"))
    ours = (ctx.base(open_), invoices)
    api = (minor(figures["balances"]["totalOpen"]), len(figures["openInvoices"]))
    assert ours == api, f"hand-written customer differs: {ours} != {api}"


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    handwritten: str
    check: Any
    variables: dict = field(default_factory=dict)


def cases(engine: str, customer_id: int) -> list[Case]:
    by_name = handwritten.customers_by_name()
    out = [
        Case("arSummary", SUMMARY, handwritten.summary(), check_summary),
        Case("arBreakdown(REGION)", BREAKDOWN, handwritten.summary("region"), check_breakdown),
    ]
    if engine == "sqlite":  # the demo's other dimensions (the PostgreSQL data has no others worth timing)
        out += [
            Case(f"arBreakdown({dim.upper()})", BREAKDOWN.replace("REGION", dim.upper()),
                 handwritten.summary(dim), check_breakdown)
            for dim in ("segment", "country", "currency", "risk_rating", "sales_owner")
        ]  # fmt: skip
    out += [
        Case("customers(first: 50) nested, by name", CUSTOMERS.replace("ORDER", "NAME"), by_name,
             check_page("customers")),
        Case("customers(first: 50) nested + priority, by name", CUSTOMERS_PRIORITY.replace("ORDER", "NAME"),
             by_name, check_page("customers")),
        Case("customers(first: 50) nested + priority, by net balance",
             CUSTOMERS_PRIORITY.replace("ORDER", "NET_BALANCE"), handwritten.customers_by_figure("net"),
             check_page("customers")),
        Case("collectionWorklist(first: 50)", WORKLIST,
             handwritten.customers_by_figure("score", overdue_only=True), check_page("collectionWorklist")),
        Case("customer(id)", CUSTOMER, handwritten.customer_360(), check_customer,
             {"id": encode_id("Customer", customer_id)}),
    ]  # fmt: skip
    return out


async def measure(client, token, case: Case, ctx: Context, recorder: Recorder, bare: Bare, runs: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    query = case.query.replace("ASOF", ctx.as_of.isoformat())
    payload = {"query": query, "variables": case.variables}
    await client.post("/graphql", json=payload, headers=headers)  # warm up
    recorder.statements.clear()
    recorder.active = True
    body = (await client.post("/graphql", json=payload, headers=headers)).json()
    recorder.active = False
    assert "errors" not in body, body
    statements = [s for s in recorder.statements if "api_token" not in s[0]]
    params, fx_values = ctx.params()
    sql = handwritten.render(case.handwritten, bare.dialect).replace("{fx}", fx_values)
    case.check(ctx, body, await bare.fetch_named(sql, params))  # the same figures (also the warm-up)
    text, values = compile_params(sql, params, bare.dialect)
    api, hand, replay = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        await client.post("/graphql", json=payload, headers=headers)
        api.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await bare.fetch(text, values)
        hand.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for statement, statement_values in statements:
            await bare.fetch(statement, statement_values)
        replay.append((time.perf_counter() - t0) * 1000)
    return {
        "api_p50": statistics.median(api),
        "api_p95": pct(api, 0.95),
        "hand_p50": statistics.median(hand),
        "hand_p95": pct(hand, 0.95),
        "replay_p50": statistics.median(replay),
        "statements": len(statements),
    }


async def postgres_data(args, registry: TenantRegistry, ids: dict[str, int], url: str) -> str:
    t0 = time.perf_counter()
    counts = await load(url, ids["northwind"], args.customers, args.invoices)
    load_s = time.perf_counter() - t0
    # The rows were COPYed with their settlement sums, as the ingest path writes them; a whole-tenant
    # refresh confirms them (it rewrites only rows that disagree), then vacuum and analyse as
    # autovacuum eventually would.
    t0 = time.perf_counter()
    async with in_transaction() as conn:
        await settlement.refresh(ids["northwind"], whole_tenant=True, conn=conn)
    refresh_s = time.perf_counter() - t0
    assert await settlement.drift(ids["northwind"]) == []
    maintenance = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    await maintenance.execute("VACUUM ANALYZE")
    await maintenance.close()
    return (
        f"Data: {counts['customers']:,} customers, {counts['invoices']:,} invoices, "
        f"{counts['payments']:,} payments/allocations, {counts['fx_rates']:,} daily FX rates; "
        f"loaded in {load_s:.0f} s; maintained settlement sums checked by a whole-tenant refresh in "
        f"{refresh_s:.1f} s"
    )


async def sqlite_counts(tenant_id: int) -> str:
    rows = await fetch_all(
        """SELECT (SELECT COUNT(*) FROM customer_account WHERE tenant_id = :t) AS customers,
                  (SELECT COUNT(*) FROM invoice WHERE tenant_id = :t) AS invoices,
                  (SELECT COUNT(*) FROM invoice WHERE tenant_id = :t AND total <> settled) AS open,
                  (SELECT COUNT(*) FROM payment WHERE tenant_id = :t) AS payments""",
        {"t": tenant_id},
    )
    c = rows[0]
    return (
        f"Data: the demo's northwind, {c['customers']:,} customers, {c['invoices']:,} invoices "
        f"({c['open']:,} open now), {c['payments']:,} payments"
    )


async def run(args, url: str, registry: TenantRegistry, describe) -> None:
    """Open ``url``, prepare its data (``describe`` returns the data's line), measure every case."""
    await lifecycle.open_database(url)
    try:
        ids = await sync_tenants(registry)
        data_line = await describe(ids)
        if args.runs == 0:
            return
        load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(
            scope, name=f"bench-{time.time_ns()}", role=StaffRole.ADMIN
        )
        as_of = AS_OF if args.engine == "postgres" else args.today
        first = await fetch_all(
            "SELECT MIN(id) AS id FROM customer_account WHERE tenant_id = :t", {"t": ids["northwind"]}
        )
        ctx = Context(ids["northwind"], as_of, await all_rates(scope, BASE, as_of), first[0]["id"])

        from app.web.app import create_app

        settings = Settings(env=Environment.TEST, database_url=url, tenants_dir=ROOT / "tenants")
        app = create_app(settings, registry, manage_database=False)
        recorder = Recorder()
        bare = await Bare.open(url)
        transport = httpx.ASGITransport(app=app)
        results = {}
        # Started as the server starts it (its lifespan: tenant sync, start-up heap frozen).
        try:
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client,
            ):
                for case in cases(args.engine, ctx.customer_id):
                    results[case.name] = await measure(client, token, case, ctx, recorder, bare, args.runs)
                    r = results[case.name]
                    print(f"measured {case.name}: API {r['api_p50']:.0f} ms, hand-written {r['hand_p50']:.0f} ms",
                          flush=True)  # fmt: skip
        finally:
            await bare.close()  # aiosqlite's thread would keep the process alive
    finally:
        await lifecycle.close_database()
    print()
    print(
        f"{data_line}; as of {as_of}; {args.runs} runs each ({args.engine}); load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    )
    print()
    print(
        "| query | SQL statements | API p50 ms | API p95 ms | hand-written SQL p50 ms | hand-written p95 ms "
        "| ratio (p50) | replayed statements p50 ms | ratio to replay |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['statements']} | {r['api_p50']:.0f} | {r['api_p95']:.0f} | {r['hand_p50']:.0f} | "
            f"{r['hand_p95']:.0f} | {r['api_p50'] / r['hand_p50']:.2f} | {r['replay_p50']:.0f} | "
            f"{r['api_p50'] / r['replay_p50']:.2f} |"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--customers", type=int, help="default 10,000 (PostgreSQL), the demo's 8,000 (SQLite)"
    )
    parser.add_argument("--invoices", type=int, default=1_000_000, help="PostgreSQL only")
    parser.add_argument("--months", type=int, default=DEMO_DATA["northwind"][1], help="SQLite only")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="SQLite only")
    parser.add_argument(
        "--cache-dir", type=Path, default=demo_data.CACHE, help="SQLite only: the seeded files"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database (prints its URL) for EXPLAIN"
    )
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")

    if args.engine == "sqlite":
        args.customers = args.customers or DEMO_DATA["northwind"][0]
        args.today = registry.require("northwind").config.today()
        with tempfile.TemporaryDirectory(prefix="ledgerport-bench-") as work:
            url, seeded_s = await demo_data.working_copy(
                registry, Path(work), customers=args.customers, months=args.months, seed=args.seed,
                today=args.today, cache=args.cache_dir,
            )  # fmt: skip
            how = f"seeded through ingest in {seeded_s:.0f} s" if seeded_s else "the cached seeded file"

            async def describe(ids: dict[str, int]) -> str:
                return (
                    f"{await sqlite_counts(ids['northwind'])}, {args.months} months, seed {args.seed} ({how})"
                )

            await run(args, url, registry, describe)
        return

    args.customers = args.customers or 10_000
    url, admin = await scratch.create_database(args.database_url, "ledgerport_bench")
    try:
        await lifecycle.apply_migrations(url)
        await run(args, url, registry, lambda ids: postgres_data(args, registry, ids, url))
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
