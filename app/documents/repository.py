"""Every query the documents need, each starting from the tenancy choke point.

Receivables figures (open items, unapplied cash, net balance, aging) are not computed here: documents take
them from ``app.receivables.customer_figures``, the dashboard's own queries, so a statement can never
disagree with the dashboard. What is here is what only documents need: the invoice with what settled it,
its lines, the customer's billing details and the dated activity of a period.

Sums are taken in SQL (SUM, GROUP BY, CASE; correlated sub-selects for "settled as of D"), never by
loading rows into Python to add them up. Dates and ids put into raw SQL fragments come from typed Python
values (``date.isoformat()``, ``int``), never from user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q, RawSQL

from app.db.scoping import scoped
from app.models import (
    CreditNote,
    CustomerAccount,
    DunningMessage,
    Invoice,
    InvoiceLine,
    Payment,
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
    country: str = ""  # ISO 3166-1 alpha-2; e-invoices need it (BT-55)


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
class ActivityRow:
    """One dated event on a customer's account; ``amount`` is signed (+ charges, - payments and credits)."""

    date: date
    kind: str  # invoice | credit_note | payment | write_off
    reference: str
    due_date: date | None
    amount: int


def _settled_sql(table: str, as_of: date | None) -> RawSQL:
    """Sum of a settlement table's amounts against the current invoice row, dated on or before ``as_of``.

    Allocations count only from payments that succeeded, exactly as the dashboard's open amount
    (``app.receivables.repository``): a pending or failed card payment settles nothing yet."""
    dated = f" AND s.date <= '{as_of.isoformat()}'" if as_of is not None else ""
    succeeded = (
        ' AND EXISTS (SELECT 1 FROM "payment" p WHERE p.id = s.payment_id AND p.tenant_id = s.tenant_id '
        "AND p.status = 'succeeded')"
        if table == "payment_allocation"
        else ""
    )
    return RawSQL(
        f'(SELECT COALESCE(SUM(s.amount), 0) FROM "{table}" s '
        f'WHERE s.invoice_id = "invoice"."id" AND s.tenant_id = "invoice"."tenant_id"{dated}{succeeded})'
    )


def _open_sql(as_of: date | None) -> RawSQL:
    parts = " - ".join(_settled_sql(t, as_of).sql for t in _SETTLEMENT_TABLES.values())
    return RawSQL(f'("invoice"."total" - {parts})')


#: The open amount of the current invoice row (as of a date, or today's when None), for the portal's lists.
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
            "id",
            "account_number",
            "legal_name",
            "billing_address",
            "billing_email",
            "tax_id",
            "currency",
            "country",
        )
    )
    return CustomerRow(**row) if row else None


async def invoice(scope: Scope, invoice_id: int) -> tuple[InvoiceRow, Settlement, CustomerRow] | None:
    """The invoice if the caller may see it (drafts are not documents yet), with everything that reduced
    it so far and its customer's billing details, in one query: a download's ETag is computed on every
    request, even one answered from the cache, so fewer round trips matter. The customer is joined within
    the caller's tenant too, as ``customer()`` would read it."""
    annotations = {name: _settled_sql(table, None) for name, table in _SETTLEMENT_TABLES.items()}
    billed = {f"customer__{name}": name for name in CustomerRow.__dataclass_fields__}
    row = (
        await scoped(Invoice, scope)
        .filter(id=invoice_id, customer__tenant_id=scope.tenant_id)
        .exclude(status=InvoiceStatus.DRAFT)
        .annotate(**annotations)
        .first()
        .values(*InvoiceRow.__dataclass_fields__, *annotations, *billed)
    )
    if not row:
        return None
    settled = Settlement(**{name: int(row.pop(name)) for name in annotations})
    customer = CustomerRow(**{name: row.pop(path) for path, name in billed.items()})
    return InvoiceRow(**row), settled, customer


async def invoice_lines(scope: Scope, invoice_id: int) -> list[LineRow]:
    rows = (
        await scoped(InvoiceLine, scope)
        .filter(invoice_id=invoice_id)
        .order_by("position")
        .values(*LineRow.__dataclass_fields__)
    )
    return [LineRow(**r) for r in rows]


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
            invoice__tenant_id=scope.tenant_id,
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


async def dunning_message(scope: Scope, message_id: int) -> DunningMessage | None:
    """A dunning message the scope sees (its letter is a document like an invoice)."""
    return await scoped(DunningMessage, scope).get_or_none(id=message_id)
