"""SQLite runs every aggregate the dashboard asks for by index probes, never a loop over a big side.

SQLite has no hash join, and without statistics it believes ``tenant_id = ?`` leaves ten rows. The
demo's summary once joined the grouped later settlements to the settled-later invoices as a nested
loop (17 s), and a customer's figures probed its movements through tenant-wide indexes (0.6 s for one
customer). These tests read SQLite's plan (EXPLAIN QUERY PLAN) of each statement a dashboard request
sends and fail when a loop nested in another, or a sub-select run per row, reads a whole table or CTE,
or reads a tenant-wide index range; and they count the work of the period-start summary, which grew
with the square of the invoices settled after that date. Plans without statistics depend on the schema
and the SQL, not on how many rows the tables hold, so a small seeded portfolio shows the demo's plans.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from tortoise import connections

from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.sql import fetch_all
from app.forecast import repository as forecast_repository
from app.forecast import service as forecast
from app.ingest import seeder
from app.receivables import repository
from app.receivables.buckets import buckets_from_edges
from app.tenancy.registry import TenantRegistry
from schema.common.ids import encode_id
from tests import builders
from tests.helpers import gql, make_token

TODAY = date(2026, 6, 30)

SUMMARY = '{ arSummary(asOf: "2026-06-30") { totalOpen { amount } netBalance { amount } dso countbackDso cei customersWithBalance customersOverLimit openDisputes { count } } }'
BREAKDOWN = '{ arBreakdown(by: REGION, asOf: "2026-06-30") { key netBalance { amount } dso cei } }'
PAGE = '{ customers(first: 20, asOf: "2026-06-30", orderBy: ORDER) { totalCount edges { node { name priority { score } balances { netBalance { amount } utilisation aging { buckets { amount { amount } } } } openInvoices(first: 5) { number } } } } }'
WORKLIST = '{ collectionWorklist(first: 20, asOf: "2026-06-30") { edges { node { suggestedAction customer { name } } } } }'
CUSTOMER = 'query ($id: ID!) { customer(id: $id, asOf: "2026-06-30") { priority { score } balances { totalOpen { amount } exposure { amount } } openInvoices { number } paymentBehaviour { averageDaysToPay onTimeRate } profitability { revenue { amount } growth } invoices(first: 10) { totalCount } } }'
INVOICES = '{ invoices(first: 20, asOf: "2026-06-30", filter: {openOnly: true}) { totalCount edges { node { number openAmount { amount } predictedPayDate { date } } } } }'
TREND = (
    '{ arTrend(months: 6, asOf: "2026-06-30") { date ar { amount } overdue { amount } sales { amount } } }'
)
QUERIES = {
    "arSummary": SUMMARY,
    "arBreakdown": BREAKDOWN,
    "customers by name": PAGE.replace("ORDER", "NAME"),
    "customers by net balance": PAGE.replace("ORDER", "NET_BALANCE"),
    "customers by priority": PAGE.replace("ORDER", "PRIORITY"),
    "collectionWorklist": WORKLIST,
    "customer(id)": CUSTOMER,
    "invoices": INVOICES,
    "arTrend": TREND,
}

# Loops that may be read whole once per outer row: the VALUES list of rates (a row per currency).
_SMALL = {"fx"}
_LOOP = re.compile(r"^(SCAN|SEARCH) (\S+)")
# A range of dates across the whole tenant (every invoice issued before D, every movement after it).
_TENANT_WIDE = re.compile(r"USING (?:COVERING )?INDEX \S+ \(tenant_id=\?(?: AND \w*(?:date|_on)[<>]\?)*\)$")


# SQLite's plans only: PostgreSQL plans by its own statistics, with hash joins (the dashboard bench
# measures it); these tests do not run, rather than skip, on its database.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def portfolio(scope_a, scope_b, registry: TenantRegistry):
    """Two seeded tenants (northwind larger) as of 2026-06-30: open, late, partly paid, disputed and
    written-off invoices, credit notes, cash on account, letters of credit."""
    await seeder.seed_tenant(scope_a, customers=30, months=24, seed=42, today=TODAY)
    await seeder.seed_tenant(scope_b, customers=8, months=12, seed=42, today=TODAY)
    customer = await fetch_all(
        "SELECT MIN(id) AS id FROM customer_account WHERE tenant_id = :t", {"t": scope_a.tenant_id}
    )
    return customer[0]["id"]


class Statements:
    """The statements (with their values) sent on the default connection while recording."""

    def __init__(self, monkeypatch) -> None:
        self.sent: list[tuple[str, list]] = []
        conn = connections.get("default")
        for name in ("execute_query", "execute_query_dict"):
            original = getattr(conn, name)

            def wrap(original=original):
                async def recorded(query, values=None, *args, **kwargs):
                    self.sent.append((str(query), list(values or [])))
                    return await original(query, values, *args, **kwargs)

                return recorded

            monkeypatch.setattr(conn, name, wrap())


async def plan(sql: str, values: list) -> list[tuple[int, int, str]]:
    """SQLite's EXPLAIN QUERY PLAN of a statement: (id, parent, detail) rows."""
    conn = connections.get("default")
    async with conn.acquire_connection() as raw:
        cursor = await raw.execute(f"EXPLAIN QUERY PLAN {sql}", values)
        rows = await cursor.fetchall()
    return [(row[0], row[1], row[3]) for row in rows]


def loops_inside_loops(rows: list[tuple[int, int, str]]) -> list[str]:
    """The plan's loops that run once per row of another loop (a later table of a join, or anything in
    a correlated sub-select) and read a whole table or CTE, or a range of a tenant-wide index."""
    children: dict[int, list[tuple[int, str]]] = {}
    for node, parent, detail in rows:
        children.setdefault(parent, []).append((node, detail))
    found = []

    def walk(parent: int, per_row: bool) -> None:
        coroutines = {d.split()[-1] for _, d in children.get(parent, []) if d.startswith("CO-ROUTINE ")}
        first = True
        for node, detail in children.get(parent, []):
            loop = _LOOP.match(detail)
            if loop:
                inner = per_row or not first
                first = False
                name = loop.group(2)
                scans = loop.group(1) == "SCAN" and name not in _SMALL and name not in coroutines
                if inner and (scans or ("CONSTANT ROW" not in detail and _TENANT_WIDE.search(detail))):
                    found.append(detail)
            walk(node, per_row or detail.startswith("CORRELATED "))

    walk(0, False)
    return found


async def nested_reads(statements: Statements) -> str:
    """Each statement whose plan has a loop inside a loop reading a whole side, with those loops."""
    out = []
    for sql, values in statements.sent:
        bad = loops_inside_loops(await plan(sql, values))
        if bad:
            out.append(f"{' '.join(sql.split())[:200]}\n    " + "\n    ".join(bad))
    return "\n".join(out)


@pytest.mark.parametrize("name", list(QUERIES))
async def test_no_dashboard_statement_reads_a_whole_side_once_per_row_of_another(
    name, portfolio, client, monkeypatch
):
    token = await make_token("northwind")
    statements = Statements(monkeypatch)

    variables = {"id": encode_id("Customer", portfolio)} if "$id" in QUERIES[name] else None

    response = await gql(client, QUERIES[name], token, variables)

    assert response.status_code == 200 and "errors" not in response.json(), response.text
    assert statements.sent, "the request ran no SQL"
    assert await nested_reads(statements) == ""


async def test_no_background_figure_reads_a_whole_side_once_per_row_of_another(
    portfolio, scope_a, monkeypatch
):
    """What the API does not show directly: the overdue alerts' candidates, the tenant-wide payment
    behaviour, the pay-date backtest (its facts) and the cash forecast's open invoices."""
    statements = Statements(monkeypatch)

    candidates = await repository.open_invoices_due_before(scope_a, TODAY, TODAY - timedelta(days=30))
    backtest = await forecast.run_backtest(scope_a, TODAY, 90)
    expected_in = await forecast_repository.open_for_forecast(scope_a, TODAY, CustomerFilter())
    settled = await repository.settled_between(scope_a, CustomerFilter(), TODAY, TODAY - timedelta(days=365))

    assert candidates and settled and expected_in and backtest.holdout_dates.sample_size > 0
    assert await nested_reads(statements) == ""


async def steps(sql: str, values: list) -> int:
    """SQLite virtual machine instructions a statement runs (its progress handler, every instruction)."""
    conn = connections.get("default")
    count = 0

    def step() -> int:
        nonlocal count
        count += 1
        return 0  # go on

    async with conn.acquire_connection() as raw:
        await raw.set_progress_handler(step, 1)
        try:
            await (await raw.execute(sql, values)).fetchall()
        finally:
            await raw.set_progress_handler(None, 1)
    return count


async def test_the_summary_at_the_period_start_works_in_proportion_to_the_invoices_settled_since(
    scope_a, scope_b, monkeypatch
):
    """What was open at the period start is what is open now plus every settlement dated after it:
    its work must grow with those invoices, not with their square (the nested loop did)."""
    customers = [await builders.customer(scope_a, f"Customer {n}") for n in range(10)]
    for n in range(300):
        cust = customers[n % 10]
        inv = await builders.invoice(scope_a, cust, 10000 + n, "2026-03-01", "2026-03-31")
        await builders.payment(
            scope_a, cust, 10000 + n, "2026-05-15", allocate=[(inv, 10000 + n, "2026-05-15")]
        )
    other = await builders.customer(scope_b, "Other tenant")
    await builders.invoice(scope_b, other, 99999, "2026-03-01", "2026-03-31", currency="EUR")
    statements = Statements(monkeypatch)

    figures = await repository.as_of_aggregates(
        scope_a, NO_FILTER, date(2026, 4, 1), buckets_from_edges([30, 60, 90, 120]), {}, with_customers=False
    )
    (sql, values), *_ = statements.sent
    work = await steps(sql, values)

    assert sum(r["amount"] for r in figures["aging"]) == sum(10000 + n for n in range(300))
    # About 130 instructions per invoice (38,000 here); the nested loop over invoice and movement
    # pairs ran 400,000, and its count grows with the square of the invoices.
    assert work < 300 * 300, f"{work} instructions for 300 invoices settled after the date"


PAYMENTS = "{ payments(first: 25) { totalCount edges { node { refunded { amount } allocations { invoiceNumber } } } } }"
# The lookups of a page of payments, and the column they must find their rows by.
BY_PAYMENT = {"refund_of_id": "refund_of_id", "payment_allocation": "payment_id"}


async def test_a_page_of_payments_finds_its_refunds_and_allocations_by_payment(
    portfolio, client, monkeypatch
):
    """Without an index on the refunded payment, summing a page's refunds scanned every payment of the
    tenant (306 ms of the demo's 388 ms payments page); SQLite also chose the tenant's date index over
    the payment's for the allocations."""
    token = await make_token("northwind")
    statements = Statements(monkeypatch)

    response = await gql(client, PAYMENTS, token)

    assert response.status_code == 200 and "errors" not in response.json(), response.text
    checked = set()
    for sql, values in statements.sent:
        for marker, column in BY_PAYMENT.items():
            if marker in sql and f'"{column}" IN' in sql:
                details = [d for _, _, d in await plan(sql, values)]
                assert any(re.search(rf"INDEX \S+ \(tenant_id=\? AND {column}=\?\)", d) for d in details), (
                    sql,
                    details,
                )
                checked.add(marker)
    assert checked == set(BY_PAYMENT)
