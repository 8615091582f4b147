"""Every query of the portal's account views; each starts from the caller's scope.

The open amount of an invoice is the documents repository's SQL expression (metrics.md "Open amount"), so
the portal, the PDFs and the statements agree to the cent. Sums are taken in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q, RawSQL
from tortoise.functions import Min, Sum

from app.db.scoping import new_row, scoped
from app.documents.repository import NOT_RECEIVABLE, open_sql
from app.models import (
    Contact,
    CreditApplication,
    CustomerAccount,
    Invoice,
    Payment,
    PaymentAllocation,
    PromiseInvoice,
    PromiseToPay,
)
from app.models.enums import PaymentStatus
from app.scope import Scope

_DISPUTED_SQL = RawSQL(
    'CASE WHEN EXISTS (SELECT 1 FROM "dispute" d WHERE d.invoice_id = "invoice"."id" '
    "AND d.tenant_id = \"invoice\".\"tenant_id\" AND d.status IN ('open', 'under_review')) THEN 1 ELSE 0 END"
)


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: str
    issue_date: date
    due_date: date
    currency: str
    total: int
    open_amount: int
    status: str
    po_number: str
    disputed: bool


@dataclass(frozen=True)
class InvoiceFilter:
    status: str | None = None  # open | overdue | paid | disputed
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""


@dataclass(frozen=True)
class Applied:
    """A payment or credit note applied to an invoice."""

    reference: str
    date: date
    amount: int


async def customer(scope: Scope, customer_id: int) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).first()


async def update_customer(scope: Scope, customer_id: int, **values) -> int:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).update(**values)


async def contact(scope: Scope, contact_id: int) -> Contact | None:
    return await scoped(Contact, scope).filter(id=contact_id).first()


async def update_contact(scope: Scope, contact_id: int, **values) -> int:
    return await scoped(Contact, scope).filter(id=contact_id).update(**values)


def _invoices(scope: Scope, customer_id: int):
    return (
        scoped(Invoice, scope)
        .filter(customer_id=customer_id)
        .exclude(status__in=NOT_RECEIVABLE)
        .annotate(open_amount=open_sql(None), disputed=_DISPUTED_SQL)
    )


def _filtered(query, flt: InvoiceFilter, today: date):
    if flt.status == "open":
        query = query.filter(open_amount__gt=0)
    elif flt.status == "overdue":
        query = query.filter(open_amount__gt=0, due_date__lt=today)
    elif flt.status == "paid":
        query = query.filter(open_amount__lte=0)
    elif flt.status == "disputed":
        query = query.filter(disputed=1)
    if flt.date_from:
        query = query.filter(issue_date__gte=flt.date_from)
    if flt.date_to:
        query = query.filter(issue_date__lte=flt.date_to)
    if flt.search:
        query = query.filter(Q(number__icontains=flt.search) | Q(po_number__icontains=flt.search))
    return query


_SUMMARY = ("id", "number", "issue_date", "due_date", "currency", "total", "open_amount", "status")


def _summary(row: dict) -> InvoiceSummary:
    return InvoiceSummary(
        **{k: row[k] for k in _SUMMARY if k not in ("open_amount", "status")},
        open_amount=int(row["open_amount"]),
        status=str(row["status"]),
        po_number=row["po_number"],
        disputed=bool(row["disputed"]),
    )


async def invoice_page(
    scope: Scope,
    customer_id: int,
    flt: InvoiceFilter,
    today: date,
    limit: int,
    after: tuple[date, int] | None = None,
) -> list[InvoiceSummary]:
    """Newest first, keyset-paged on (issue date, id); returns up to ``limit`` rows."""
    query = _filtered(_invoices(scope, customer_id), flt, today)
    if after is not None:
        issued, last_id = after
        query = query.filter(Q(issue_date__lt=issued) | Q(issue_date=issued, id__lt=last_id))
    rows = await query.order_by("-issue_date", "-id").limit(limit).values(*_SUMMARY, "po_number", "disputed")
    return [_summary(r) for r in rows]


async def invoice_summary(scope: Scope, invoice_id: int) -> tuple[int, InvoiceSummary] | None:
    """(customer id, summary) of an invoice the caller may see."""
    found = await scoped(Invoice, scope).filter(id=invoice_id).exclude(status__in=NOT_RECEIVABLE).first()
    if found is None:
        return None
    rows = (
        await _invoices(scope, found.customer_id)
        .filter(id=invoice_id)
        .values(*_SUMMARY, "po_number", "disputed")
    )
    return found.customer_id, _summary(rows[0])


async def payments_applied(scope: Scope, invoice_id: int) -> list[Applied]:
    rows = (
        await scoped(PaymentAllocation, scope)
        .filter(invoice_id=invoice_id)
        .order_by("date", "id")
        .values("payment__reference", "payment__external_id", "date", "amount")
    )
    return [
        Applied(r["payment__reference"] or r["payment__external_id"], r["date"], r["amount"]) for r in rows
    ]


async def credits_applied(scope: Scope, invoice_id: int) -> list[Applied]:
    rows = (
        await scoped(CreditApplication, scope)
        .filter(invoice_id=invoice_id)
        .order_by("date", "id")
        .values("credit_note__number", "date", "amount")
    )
    return [Applied(r["credit_note__number"], r["date"], r["amount"]) for r in rows]


async def payments(scope: Scope, customer_id: int, limit: int, offset: int) -> list[dict]:
    return (
        await scoped(Payment, scope)
        .filter(customer_id=customer_id, status=PaymentStatus.SUCCEEDED)
        .order_by("-received_date", "-id")
        .offset(offset)
        .limit(limit)
        .values("id", "received_date", "amount", "currency", "method", "reference", "external_id")
    )


async def payment(scope: Scope, payment_id: int) -> dict | None:
    return (
        await scoped(Payment, scope)
        .filter(id=payment_id, status=PaymentStatus.SUCCEEDED)
        .first()
        .values(
            "id", "customer_id", "received_date", "amount", "currency", "method", "reference", "external_id"
        )
    )


async def allocations_of(scope: Scope, payment_ids: list[int]) -> list[dict]:
    return (
        await scoped(PaymentAllocation, scope)
        .filter(payment_id__in=payment_ids)
        .order_by("date", "id")
        .values("payment_id", "invoice_id", "invoice__number", "amount", "date")
    )


async def next_due(scope: Scope, customer_id: int, today: date) -> tuple[date, int] | None:
    """The earliest due date on or after today among open invoices, and what falls due then (SQL sums)."""
    first = (
        await _invoices(scope, customer_id)
        .filter(open_amount__gt=0, due_date__gte=today, issue_date__lte=today)
        .annotate(first_due=Min("due_date"))
        .first()
        .values("first_due")
    )
    if not first or not first["first_due"]:
        return None
    due = first["first_due"]
    if isinstance(due, str):
        due = date.fromisoformat(due)
    total = (
        await _invoices(scope, customer_id)
        .filter(open_amount__gt=0, due_date=due, issue_date__lte=today)
        .annotate(due_sum=Sum(open_sql(None)))
        .first()
        .values("due_sum")
    )
    return due, int((total or {}).get("due_sum") or 0)


async def first_issue_date(scope: Scope, customer_id: int) -> date | None:
    row = (
        await scoped(Invoice, scope)
        .filter(customer_id=customer_id)
        .exclude(status__in=NOT_RECEIVABLE)
        .annotate(first=Min("issue_date"))
        .first()
        .values("first")
    )
    value = (row or {}).get("first")
    return date.fromisoformat(value) if isinstance(value, str) else value


async def open_invoice_ids(scope: Scope, customer_id: int, invoice_ids: list[int]) -> list[int]:
    rows = await _invoices(scope, customer_id).filter(id__in=invoice_ids).values("id")
    return [r["id"] for r in rows]


async def add_promise(scope: Scope, invoice_ids: list[int], **values) -> PromiseToPay:
    promise = new_row(PromiseToPay, scope, **values)
    await promise.save()
    await PromiseInvoice.bulk_create(
        [new_row(PromiseInvoice, scope, promise_id=promise.id, invoice_id=i) for i in invoice_ids]
    )
    return promise
