"""The export tables: their columns and their rows, a chunk at a time, from the services.

One definition per table feeds both writers, so ``aging.csv`` and ``aging.xlsx`` can never differ in
what they list. The rows are the API's own figures: customers and their balances from
``app.customers.service`` (what the ``customers`` query returns), invoices from
``app.invoices.service`` (the ``invoices`` query's open amounts), payments from ``app.payments.service``.
Customers are paged like the API (a tenant has thousands); invoices and payments by keyset chunks, as a
tenant may have millions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.customers import service as customers
from app.customers.filters import CustomerFilter
from app.customers.service import CustomerBalances, CustomerListItem
from app.invoices import service as invoices
from app.payments import service as payments
from app.payments.service import PaymentFilter
from app.receivables.buckets import buckets_from_edges
from app.reports.cells import Amount, Column, Kind
from app.scope import Scope
from app.tenancy.config import TenantConfig

CUSTOMER_PAGE = 500
#: Invoices and payments read per statement (keyset); tests make it small to cross chunk edges.
CHUNK = 2000

Rows = AsyncIterator[list[list[Any]]]


@dataclass(frozen=True)
class Query:
    """What an export was asked for: the as-of date and the filters of the matching API query."""

    as_of: date
    customers: CustomerFilter
    open_only: bool = False
    overdue_only: bool = False
    number: str | None = None
    payments: PaymentFilter | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: Callable[[TenantConfig], list[Column]]
    rows: Callable[[Scope, TenantConfig, Query], Rows]


def _money(name: str) -> Column:
    return Column(name, Kind.MONEY, 14)


IDENTITY = [
    Column("account_number", width=16),
    Column("name", width=32),
    Column("region"),
    Column("segment"),
    Column("country", width=8),
]


def aging_columns(config: TenantConfig) -> list[Column]:
    labels = [b.label for b in buckets_from_edges(config.aging.buckets)]
    return [
        *IDENTITY,
        Column("currency", width=9),
        *(_money(label) for label in labels),
        *(_money(name) for name in ("total_open", "unapplied", "net_balance")),
    ]


def _aging_row(item: CustomerListItem, b: CustomerBalances, base: str) -> list[Any]:
    c, t = item.customer, b.balances.base
    money = [Amount(x.amount, base) for x in t.aging]
    totals = [Amount(v, base) for v in (t.total_open, t.unapplied, t.net_balance)]
    return [c.account_number, c.legal_name, c.region, c.segment, c.country, base, *money, *totals]


def customer_columns(config: TenantConfig) -> list[Column]:
    return [
        *IDENTITY,
        Column("risk_rating", width=11),
        Column("kyc_status", width=13),
        Column("sales_owner", width=26),
        Column("currency", width=9),
        *(_money(name) for name in ("credit_limit", "net_balance", "overdue", "exposure")),
        Column("utilisation", Kind.PERCENT, 11),
        Column("priority_score", Kind.DECIMAL, 14),
    ]


def _customer_row(item: CustomerListItem, b: CustomerBalances, base: str) -> list[Any]:
    c, t = item.customer, b.balances.base
    limit = None if b.credit_limit is None else Amount(b.credit_limit, base)
    return [
        c.account_number,
        c.legal_name,
        c.region,
        c.segment,
        c.country,
        str(c.risk_rating),
        str(c.kyc_status),
        c.sales_owner,
        base,
        limit,
        Amount(t.net_balance, base),
        Amount(t.overdue, base),
        Amount(b.exposure, base),
        b.utilisation,
        item.priority.score,
    ]


def _customer_rows(row: Callable[[CustomerListItem, CustomerBalances, str], list[Any]]):
    async def rows(scope: Scope, config: TenantConfig, query: Query) -> Rows:
        offset = 0
        while True:
            items, _ = await customers.list_customers(
                scope, config, as_of=query.as_of, flt=query.customers, offset=offset, limit=CUSTOMER_PAGE
            )
            balances = await customers.balances_for(scope, config, [i.customer for i in items], query.as_of)
            if items:
                yield [row(i, balances[i.customer.id], config.base_currency) for i in items]
            if len(items) < CUSTOMER_PAGE:
                return
            offset += len(items)

    return rows


def invoice_columns(config: TenantConfig) -> list[Column]:
    return [
        Column("number", width=16),
        Column("account_number", width=16),
        Column("customer", width=32),
        Column("status", width=10),
        Column("currency", width=9),
        Column("issue_date", Kind.DATE, 12),
        Column("due_date", Kind.DATE, 12),
        _money("total"),
        _money("open_amount"),
        Column("days_past_due", Kind.INTEGER, 13),
    ]


async def _invoice_rows(scope: Scope, config: TenantConfig, query: Query) -> Rows:
    async for chunk in invoices.invoice_chunks(
        scope,
        as_of=query.as_of,
        flt=query.customers,
        open_only=query.open_only,
        overdue_only=query.overdue_only,
        number=query.number,
        chunk=CHUNK,
    ):
        yield [
            [
                i.number,
                e.account_number,
                e.customer_name,
                i.status,
                i.currency,
                i.issue_date,
                i.due_date,
                Amount(i.total, i.currency),
                Amount(i.open_amount, i.currency),
                i.days_past_due,
            ]
            for e in chunk
            for i in (e.item,)
        ]


def payment_columns(config: TenantConfig) -> list[Column]:
    return [
        Column("reference", width=20),
        Column("external_id", width=20),
        Column("account_number", width=16),
        Column("customer", width=32),
        Column("received_date", Kind.DATE, 13),
        Column("method", width=10),
        Column("status", width=10),
        Column("refund", width=7),
        Column("currency", width=9),
        _money("amount"),
    ]


async def _payment_rows(scope: Scope, config: TenantConfig, query: Query) -> Rows:
    async for chunk in payments.payment_chunks(scope, query.as_of, query.payments, CHUNK):
        yield [
            [
                p["reference"],
                p["external_id"],
                p["customer__account_number"],
                p["customer__legal_name"],
                p["received_date"],
                str(p["method"]),
                str(p["status"]),
                "yes" if p["refund_of_id"] else "no",
                p["currency"],
                Amount(int(p["amount"]), p["currency"]),
            ]
            for p in chunk
        ]


TABLES = {
    "aging": Table("aging", aging_columns, _customer_rows(_aging_row)),
    "customers": Table("customers", customer_columns, _customer_rows(_customer_row)),
    "invoices": Table("invoices", invoice_columns, _invoice_rows),
    "payments": Table("payments", payment_columns, _payment_rows),
}
