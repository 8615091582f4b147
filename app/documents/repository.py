"""Every query the documents need, each starting from the tenancy choke point.

The receivables figures here (open items, unapplied cash, net balance, aging) follow docs/metrics.md.
The dashboard's receivables service (being built in wt4's ``app/receivables/``) computes the same figures;
when the branches merge, the lead points these few functions at it so a statement can never disagree
with the dashboard. Keep the seam narrow: callers use only the functions below and their return types.

Sums are taken in SQL (SUM, GROUP BY, CASE; correlated sub-selects for "settled as of D"), never by
loading rows into Python to add them up. Dates and ids put into raw SQL fragments come from typed Python
values (``date.isoformat()``, ``int``), never from user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.expressions import Q, RawSQL
from tortoise.functions import Sum

from app.db.scoping import scoped
from app.models import (
    CreditApplication,
    CreditNote,
    CustomerAccount,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    WriteOff,
)
from app.models.enums import InvoiceStatus, PaymentStatus
from app.scope import Scope

#: Statuses that are not receivables: a draft was never issued, a void invoice is never open.
NOT_RECEIVABLE = (InvoiceStatus.DRAFT, InvoiceStatus.VOID)
_SETTLEMENT_TABLES = {
    "paid": "payment_allocation",
    "credited": "credit_application",
    "written_off": "write_off",
}


@dataclass(frozen=True)
class CustomerRow:
    id: int
    account_number: str
    legal_name: str
    billing_address: str
    billing_email: str
    tax_id: str
    currency: str


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    customer_id: int
    number: str
    issue_date: date
    due_date: date
    currency: str
    subtotal: int
    tax: int
    total: int
    status: str
    po_number: str


@dataclass(frozen=True)
class LineRow:
    position: int
    description: str
    quantity: object
    unit_price: int
    amount: int
    tax: int


@dataclass(frozen=True)
class Settlement:
    """What reduced an invoice up to a date: payments allocated, credit applied, amounts written off."""

    paid: int
    credited: int
    written_off: int


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    currency: str
    total: int
    open_amount: int


@dataclass(frozen=True)
class ActivityRow:
    """One dated event on a customer's account; ``amount`` is signed (+ charges, - payments and credits)."""

    date: date
    kind: str  # invoice | credit_note | payment | write_off
    reference: str
    due_date: date | None
    amount: int


def _settled_sql(table: str, as_of: date | None) -> RawSQL:
    """Sum of a settlement table's amounts against the current invoice row, dated on or before ``as_of``."""
    dated = f" AND s.date <= '{as_of.isoformat()}'" if as_of is not None else ""
    return RawSQL(
        f'(SELECT COALESCE(SUM(s.amount), 0) FROM "{table}" s '
        f'WHERE s.invoice_id = "invoice"."id" AND s.tenant_id = "invoice"."tenant_id"{dated})'
    )


def _open_sql(as_of: date | None) -> RawSQL:
    parts = " - ".join(_settled_sql(t, as_of).sql for t in _SETTLEMENT_TABLES.values())
    return RawSQL(f'("invoice"."total" - {parts})')


#: The open amount of the current invoice row (as of a date, or today's when None), for other repositories.
open_sql = _open_sql


def _receivables(scope: Scope, customer_id: int | None, as_of: date, currency: str | None = None):
    """Invoices that exist as receivables on ``as_of`` (issued by then, neither draft nor void), in
    ``currency`` when given: figures are summed per currency first (metrics.md "Money")."""
    query = scoped(Invoice, scope).filter(issue_date__lte=as_of).exclude(status__in=NOT_RECEIVABLE)
    query = query if customer_id is None else query.filter(customer_id=customer_id)
    return query if currency is None else query.filter(currency=currency)


def _in_currency(currency: str | None, path: str = "currency") -> Q:
    return Q() if currency is None else Q(**{path: currency})


async def customer(scope: Scope, customer_id: int) -> CustomerRow | None:
    row = (
        await scoped(CustomerAccount, scope)
        .filter(id=customer_id)
        .first()
        .values(
            "id", "account_number", "legal_name", "billing_address", "billing_email", "tax_id", "currency"
        )
    )
    return CustomerRow(**row) if row else None


async def invoice(scope: Scope, invoice_id: int) -> tuple[InvoiceRow, Settlement] | None:
    """The invoice if the caller may see it (drafts are not documents yet), with everything that reduced
    it so far, in one query: a download's ETag is computed on every request, so fewer round trips matter.
    """
    annotations = {name: _settled_sql(table, None) for name, table in _SETTLEMENT_TABLES.items()}
    row = (
        await scoped(Invoice, scope)
        .filter(id=invoice_id)
        .exclude(status=InvoiceStatus.DRAFT)
        .annotate(**annotations)
        .first()
        .values(*InvoiceRow.__dataclass_fields__, *annotations)
    )
    if not row:
        return None
    settled = Settlement(**{name: int(row.pop(name)) for name in annotations})
    return InvoiceRow(**row), settled


async def invoice_lines(scope: Scope, invoice_id: int) -> list[LineRow]:
    rows = (
        await scoped(InvoiceLine, scope)
        .filter(invoice_id=invoice_id)
        .order_by("position")
        .values(*LineRow.__dataclass_fields__)
    )
    return [LineRow(**r) for r in rows]


async def open_items_as_of(
    scope: Scope, customer_id: int, as_of: date, currency: str | None = None
) -> list[OpenItem]:
    """A customer's invoices with a non-zero open amount as of ``as_of``, oldest due first.

    open(D) = total - allocations <= D - credit applications <= D - write-offs <= D (metrics.md); the
    dashboard's receivables service computes the same per invoice.
    """
    rows = (
        await _receivables(scope, customer_id, as_of, currency)
        .annotate(open_amount=_open_sql(as_of))
        .filter(open_amount__not=0)
        .order_by("due_date", "issue_date", "number")
        .values("id", "number", "issue_date", "due_date", "currency", "total", "open_amount")
    )
    return [
        OpenItem(
            invoice_id=r["id"],
            number=r["number"],
            issue_date=r["issue_date"],
            due_date=r["due_date"],
            currency=r["currency"],
            total=r["total"],
            open_amount=int(r["open_amount"]),
        )
        for r in rows
    ]


def _bucket_sql(as_of: date, edges: list[int]) -> RawSQL:
    """Bucket index by days past due (0 = Current, i = up to ``edges[i-1]`` days, last = beyond).

    Written as due-date thresholds so the same CASE runs on SQLite and PostgreSQL without date arithmetic.
    """
    whens = [f'WHEN "invoice"."due_date" >= \'{as_of.isoformat()}\' THEN 0']
    for index, edge in enumerate(edges, start=1):
        whens.append(
            f'WHEN "invoice"."due_date" >= \'{(as_of - timedelta(days=edge)).isoformat()}\' THEN {index}'
        )
    return RawSQL(f"(CASE {' '.join(whens)} ELSE {len(edges) + 1} END)")


async def aging_of(
    scope: Scope, customer_id: int, as_of: date, edges: list[int], currency: str | None = None
) -> dict[int, int]:
    """Open amount per aging bucket index as of ``as_of`` (see ``_bucket_sql``); empty buckets absent.

    The dashboard's receivables service ages the same way (metrics.md "Aging").
    """
    rows = (
        await _receivables(scope, customer_id, as_of, currency)
        .annotate(bucket=_bucket_sql(as_of, edges), open_amount=Sum(_open_sql(as_of)))
        .group_by("bucket")
        .values("bucket", "open_amount")
    )
    return {int(r["bucket"]): int(r["open_amount"] or 0) for r in rows if r["open_amount"]}


async def _sum(query, field: str = "amount") -> int:
    # Grouped by the tenant (one group: queries are scoped): with a join in the filter (allocations by
    # their payment's customer) Tortoise otherwise groups by every column, and ``first()`` would return
    # one row's amount instead of the sum.
    row = await query.annotate(total_sum=Sum(field)).group_by("tenant_id").first().values("total_sum")
    return int((row or {}).get("total_sum") or 0)


async def unapplied_as_of(scope: Scope, customer_id: int, as_of: date, currency: str | None = None) -> int:
    """Cash and credit on account as of ``as_of`` (metrics.md): payments received minus their allocations,
    plus credit notes minus their applications, each dated on or before ``as_of``.

    The dashboard's receivables service computes the same figure.
    """
    payments = scoped(Payment, scope).filter(
        _in_currency(currency),
        customer_id=customer_id,
        received_date__lte=as_of,
        status=PaymentStatus.SUCCEEDED,
    )
    allocations = scoped(PaymentAllocation, scope).filter(
        _in_currency(currency, "payment__currency"),
        payment__customer_id=customer_id,
        date__lte=as_of,
        payment__received_date__lte=as_of,
    )
    credits = scoped(CreditNote, scope).filter(
        _in_currency(currency), customer_id=customer_id, date__lte=as_of
    )
    applications = scoped(CreditApplication, scope).filter(
        _in_currency(currency, "credit_note__currency"),
        credit_note__customer_id=customer_id,
        date__lte=as_of,
        credit_note__date__lte=as_of,
    )
    return await _sum(payments) - await _sum(allocations) + await _sum(credits) - await _sum(applications)


async def net_balances_as_of(
    scope: Scope, as_of: date, customer_ids: list[int] | None = None
) -> dict[tuple[int, str], int]:
    """Net balance per (customer, currency) as of ``as_of``: open items minus unapplied (metrics.md), which
    is the same as invoices issued - payments received - credit notes - write-offs, each dated <= ``as_of``.

    Four GROUP BY queries over the customer set; the dashboard's receivables service computes the same
    figure. Zero balances are left out.
    """
    only = Q() if customer_ids is None else Q(customer_id__in=customer_ids)
    only_wo = Q() if customer_ids is None else Q(invoice__customer_id__in=customer_ids)
    payments = scoped(Payment, scope).filter(only, received_date__lte=as_of, status=PaymentStatus.SUCCEEDED)
    write_offs = (
        scoped(WriteOff, scope).filter(only_wo, date__lte=as_of).exclude(invoice__status__in=NOT_RECEIVABLE)
    )
    grouped = [
        (1, _receivables(scope, None, as_of).filter(only), "customer_id", "currency", "total"),
        (-1, payments, "customer_id", "currency", "amount"),
        (-1, scoped(CreditNote, scope).filter(only, date__lte=as_of), "customer_id", "currency", "amount"),
        (-1, write_offs, "invoice__customer_id", "invoice__currency", "amount"),
    ]
    balances: dict[tuple[int, str], int] = {}
    for sign, query, key, currency, field in grouped:
        rows = await query.annotate(part=Sum(field)).group_by(key, currency).values(key, currency, "part")
        for r in rows:
            pair = (r[key], r[currency])
            balances[pair] = balances.get(pair, 0) + sign * int(r["part"] or 0)
    return {pair: amount for pair, amount in balances.items() if amount != 0}


async def activity(
    scope: Scope, customer_id: int, period_from: date, period_to: date, currency: str | None = None
) -> list[ActivityRow]:
    """Every invoice, credit note, payment and write-off of the customer dated in the period (in
    ``currency`` when given), in date order."""
    invoices = await (
        _receivables(scope, customer_id, period_to, currency)
        .filter(issue_date__gte=period_from)
        .values("issue_date", "number", "due_date", "total")
    )
    credit_notes = await (
        scoped(CreditNote, scope)
        .filter(_in_currency(currency), customer_id=customer_id, date__gte=period_from, date__lte=period_to)
        .values("date", "number", "amount")
    )
    payments = await (
        scoped(Payment, scope)
        .filter(
            _in_currency(currency),
            customer_id=customer_id,
            received_date__gte=period_from,
            received_date__lte=period_to,
            status=PaymentStatus.SUCCEEDED,
        )
        .values("received_date", "reference", "external_id", "amount")
    )
    write_offs = await (
        scoped(WriteOff, scope)
        .filter(
            _in_currency(currency, "invoice__currency"),
            invoice__customer_id=customer_id,
            date__gte=period_from,
            date__lte=period_to,
        )
        .exclude(invoice__status__in=NOT_RECEIVABLE)
        .values("date", "invoice__number", "amount")
    )
    rows = [ActivityRow(r["issue_date"], "invoice", r["number"], r["due_date"], r["total"]) for r in invoices]
    rows += [ActivityRow(r["date"], "credit_note", r["number"], None, -r["amount"]) for r in credit_notes]
    rows += [
        ActivityRow(r["received_date"], "payment", r["reference"] or r["external_id"], None, -r["amount"])
        for r in payments
    ]
    rows += [
        ActivityRow(r["date"], "write_off", r["invoice__number"], None, -r["amount"]) for r in write_offs
    ]
    order = {"invoice": 0, "credit_note": 1, "payment": 2, "write_off": 3}
    return sorted(rows, key=lambda r: (r.date, order[r.kind], r.reference))


async def customer_ids_by_account(scope: Scope, account_numbers: list[str]) -> dict[str, int]:
    """Account number -> customer id, for the batch command's ``--customers``; unknown numbers are absent."""
    rows = (
        await scoped(CustomerAccount, scope)
        .filter(account_number__in=account_numbers)
        .values("account_number", "id")
    )
    return {r["account_number"]: r["id"] for r in rows}
