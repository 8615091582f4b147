"""A contact's view of one of its accounts: figures, invoices, payments, statements, and promises to pay.

Every function takes the caller's scope first and checks the contact's role on the account
(``require_contact``); an account the contact holds no role on is ``NotFound``. Staff scopes may read the
same views with ``ar.read`` (support staff see what the customer sees). Figures follow docs/metrics.md:
balances, aging, unapplied cash and open disputes come from the dashboard's receivables queries, so the
portal and the staff API agree to the cent.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date

from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require, require_contact
from app.customers.filters import CustomerFilter
from app.disputes import repository as disputes
from app.documents import repository as documents
from app.documents.urls import invoice_pdf_url, statement_pdf_url
from app.errors import NotFound, ValidationFailed
from app.models.enums import AlertSeverity, PromiseStatus
from app.portal import repository
from app.portal.repository import Applied, InvoiceFilter, InvoiceSummary
from app.receivables import repository as receivables
from app.receivables.buckets import buckets_from_edges
from app.scope import Scope
from app.tenancy.config import TenantConfig

MAX_PAGE = 100
STATUSES = ("open", "overdue", "paid", "disputed")


@dataclass(frozen=True)
class Bucket:
    label: str
    amount: int


@dataclass(frozen=True)
class AccountFigures:
    """metrics.md figures of one account, in its currency, as of ``as_of`` (today in the tenant's zone)."""

    customer_id: int
    name: str
    account_number: str
    currency: str
    as_of: date
    total_open: int
    overdue: int
    unapplied: int
    balance: int
    next_due_date: date | None
    next_due_amount: int
    aging: list[Bucket]
    open_disputes: int
    disputed_amount: int


@dataclass(frozen=True)
class InvoiceDetail:
    summary: InvoiceSummary
    customer_id: int
    lines: list
    payments: list[Applied]
    credits: list[Applied]
    disputed_amount: int
    pdf_url: str


@dataclass(frozen=True)
class PaymentView:
    id: int
    received_date: date
    amount: int
    currency: str
    method: str
    reference: str
    allocations: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class StatementPeriod:
    label: str
    period_from: date
    period_to: date
    pdf_url: str


def today_in(tenant: TenantConfig) -> date:
    """Business dates are dates in the tenant's time zone (architecture.md)."""
    return tenant.today()


def check_read(scope: Scope, customer_id: int) -> None:
    if scope.is_contact:
        require_contact(scope, "portal.read", customer_id)
    else:
        require(scope, "ar.read")


async def _customer(scope: Scope, customer_id: int):
    check_read(scope, customer_id)
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("customer account not found")
    return customer


async def account_currency(scope: Scope, customer_id: int) -> str:
    return (await _customer(scope, customer_id)).currency


async def account_figures(scope: Scope, customer_id: int, tenant: TenantConfig) -> AccountFigures:
    """The account's figures in its own currency as of today, from the dashboard's receivables queries
    (app/receivables), so the portal shows exactly what the staff API shows for the customer."""
    customer = await _customer(scope, customer_id)
    as_of = today_in(tenant)
    currency = customer.currency
    buckets = buckets_from_edges(list(tenant.aging.buckets))
    only = CustomerFilter(customer_ids=frozenset({customer_id}))
    amounts = {b.index: 0 for b in buckets}
    for row in await receivables.open_by_bucket(scope, only, as_of, buckets):
        if row["currency"] == currency:
            amounts[row["bucket"]] += row["amount"]
    aging = [Bucket(b.label, amounts[b.index]) for b in buckets]
    unapplied = sum(
        r["amount"] for r in await receivables.unapplied(scope, only, as_of) if r["currency"] == currency
    )
    disputes = [r for r in await receivables.open_disputes(scope, only, as_of) if r["currency"] == currency]
    total_open = sum(amounts.values())
    next_due = await repository.next_due(scope, customer_id, as_of)
    return AccountFigures(
        customer_id=customer_id,
        name=customer.legal_name,
        account_number=customer.account_number,
        currency=currency,
        as_of=as_of,
        total_open=total_open,
        overdue=total_open - amounts[0],
        unapplied=unapplied,
        balance=total_open - unapplied,
        next_due_date=next_due[0] if next_due else None,
        next_due_amount=next_due[1] if next_due else 0,
        aging=aging,
        open_disputes=sum(r["count"] for r in disputes),
        disputed_amount=sum(r["amount"] for r in disputes),
    )


def invoice_cursor(summary: InvoiceSummary) -> str:
    """An opaque position in the invoice list (issue date, id): the list is keyset-paged on both."""
    return base64.urlsafe_b64encode(f"{summary.issue_date.isoformat()}|{summary.id}".encode()).decode()


def parse_invoice_cursor(raw: str | None) -> tuple[date, int] | None:
    if not raw:
        return None
    try:
        day, _, pk = base64.urlsafe_b64decode(raw.encode()).decode().partition("|")
        return date.fromisoformat(day), int(pk)
    except ValueError:
        raise ValidationFailed(
            "this page link is broken; start from the first page", field="after", code="invalid_cursor"
        ) from None


def invoice_filter(
    status: str | None, date_from: date | None, date_to: date | None, search: str | None
) -> InvoiceFilter:
    problems = []
    if status and status.lower() not in STATUSES:
        problems.append(("status", f"status must be one of {', '.join(STATUSES)}"))
    if date_from and date_to and date_from > date_to:
        problems.append(("to", "the end date is before the start date"))
    if problems:
        field_name, message = problems[0]
        raise ValidationFailed(message, field=field_name)
    return InvoiceFilter((status or "").lower() or None, date_from, date_to, (search or "").strip()[:100])


async def invoices(
    scope: Scope,
    customer_id: int,
    tenant: TenantConfig,
    flt: InvoiceFilter,
    first: int = 20,
    after: tuple[date, int] | None = None,
) -> tuple[list[InvoiceSummary], bool]:
    """One page of the account's invoices (newest first) and whether there are more."""
    await _customer(scope, customer_id)
    first = max(1, min(first, MAX_PAGE))
    rows = await repository.invoice_page(scope, customer_id, flt, today_in(tenant), first + 1, after)
    return rows[:first], len(rows) > first


async def invoice(scope: Scope, invoice_id: int) -> InvoiceDetail:
    found = await repository.invoice_summary(scope, invoice_id)
    if found is None:
        raise NotFound("invoice not found")
    customer_id, summary = found
    check_read(scope, customer_id)
    return InvoiceDetail(
        summary=summary,
        customer_id=customer_id,
        lines=await documents.invoice_lines(scope, invoice_id),
        payments=await repository.payments_applied(scope, invoice_id),
        credits=await repository.credits_applied(scope, invoice_id),
        disputed_amount=await disputes.held_on_invoice(scope, invoice_id),
        pdf_url=invoice_pdf_url(invoice_id),
    )


async def payments(scope: Scope, customer_id: int, first: int = 20, offset: int = 0) -> list[PaymentView]:
    await _customer(scope, customer_id)
    rows = await repository.payments(scope, customer_id, max(1, min(first, MAX_PAGE)), max(0, offset))
    allocations = await repository.allocations_of(scope, [r["id"] for r in rows])
    return [_payment_view(r, allocations) for r in rows]


async def payment(scope: Scope, payment_id: int) -> tuple[int, PaymentView]:
    """(customer id, the payment with its allocations): the receipt of one payment."""
    row = await repository.payment(scope, payment_id)
    if row is None:
        raise NotFound("payment not found")
    check_read(scope, row["customer_id"])
    return row["customer_id"], _payment_view(row, await repository.allocations_of(scope, [payment_id]))


def _payment_view(r: dict, allocations: list[dict]) -> PaymentView:
    return PaymentView(
        id=r["id"],
        received_date=r["received_date"],
        amount=r["amount"],
        currency=r["currency"],
        method=str(r["method"]),
        reference=r["reference"] or r["external_id"],
        allocations=[a for a in allocations if a["payment_id"] == r["id"]],
    )


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def statement_period(customer_id: int, period_from: date, period_to: date) -> StatementPeriod:
    label = f"{period_from.isoformat()} to {period_to.isoformat()}"
    url = statement_pdf_url(customer_id, period_from=period_from, period_to=period_to)
    return StatementPeriod(label, period_from, period_to, url)


async def statements(scope: Scope, customer_id: int, tenant: TenantConfig) -> list[StatementPeriod]:
    """The calendar months with activity, newest first (the current month to date included)."""
    await _customer(scope, customer_id)
    today = today_in(tenant)
    first = await repository.first_issue_date(scope, customer_id)
    months: list[StatementPeriod] = []
    month = today.replace(day=1)
    start = (first or today).replace(day=1)
    while month >= start and len(months) < 36:
        end = min(_month_end(month), today)
        months.append(statement_period(customer_id, month, end))
        month = _previous_month(month)
    return months


def _previous_month(first_of_month: date) -> date:
    if first_of_month.month == 1:
        return date(first_of_month.year - 1, 12, 1)
    return date(first_of_month.year, first_of_month.month - 1, 1)


async def custom_statement(
    scope: Scope, customer_id: int, period_from: date, period_to: date
) -> StatementPeriod:
    await _customer(scope, customer_id)
    if period_from > period_to:
        raise ValidationFailed("the period starts after it ends", field="from")
    return statement_period(customer_id, period_from, period_to)


async def promise_to_pay(
    scope: Scope,
    customer_id: int,
    tenant: TenantConfig,
    invoice_ids: list[int],
    promised_date: date,
    amount: int,
    origin: Origin = NO_ORIGIN,
):
    """Record a promise to pay ``amount`` by ``promised_date`` on some of the account's invoices."""
    require_contact(scope, "portal.promise", customer_id)
    customer = await _customer(scope, customer_id)
    found = await repository.open_invoice_ids(scope, customer_id, invoice_ids)
    if not invoice_ids or len(set(found)) != len(set(invoice_ids)):
        raise NotFound("invoice not found")
    if promised_date < today_in(tenant):
        raise ValidationFailed("the promised date is in the past", field="date")
    if amount <= 0:
        raise ValidationFailed("the amount must be more than zero", field="amount")
    promise = await repository.add_promise(
        scope,
        sorted(set(found)),
        customer_id=customer_id,
        promised_date=promised_date,
        amount=amount,
        currency=customer.currency,
        status=PromiseStatus.OPEN,
        created_by=scope.principal,
    )
    await audit.record(scope, "promise.created", target_type="promise", target_id=promise.id, origin=origin)
    return promise


@dataclass(frozen=True)
class ContactDetails:
    email: str
    name: str
    phone: str


async def contact_details(scope: Scope) -> ContactDetails:
    if not scope.is_contact or scope.principal_id is None:
        raise NotFound("contact not found")
    contact = await repository.contact(scope, scope.principal_id)
    if contact is None:
        raise NotFound("contact not found")
    return ContactDetails(contact.email, contact.name, contact.phone)


async def update_contact_details(scope: Scope, name: str, phone: str, origin: Origin = NO_ORIGIN):
    """The signed-in contact changes its own name and phone (its email is its sign-in identity)."""
    await contact_details(scope)
    problems = []
    name, phone = name.strip(), phone.strip()
    if not name or len(name) > 200:
        problems.append(("name", "enter your name (at most 200 characters)"))
    if len(phone) > 50 or any(c not in "0123456789+-() ." for c in phone):
        problems.append(("phone", "a phone number has digits, spaces and + - ( ) only"))
    raise_problems(problems)
    await repository.update_contact(scope, scope.principal_id, name=name, phone=phone)
    await audit.record(
        scope, "contact.updated", target_type="contact", target_id=scope.principal_id, origin=origin
    )
    return await contact_details(scope)


@dataclass(frozen=True)
class BillingDetails:
    address: str
    tax_id: str
    billing_email: str


@dataclass(frozen=True)
class Problem:
    """One field's problem, in the shape ``ValidationFailed.problems`` carries to userErrors and forms."""

    field_path: tuple[str, ...]
    code: str
    message: str


def raise_problems(problems: list[tuple[str, str]]) -> None:
    """Raise every (field, message) found at once, so a form can show them all."""
    if problems:
        raise ValidationFailed(
            problems[0][1],
            problems=[Problem((f,), "invalid", m) for f, m in problems],
            field=problems[0][0],
        )


async def billing_details(scope: Scope, customer_id: int) -> BillingDetails:
    customer = await _customer(scope, customer_id)
    return BillingDetails(customer.billing_address, customer.tax_id, customer.billing_email)


async def update_billing_details(
    scope: Scope, customer_id: int, address: str, tax_id: str, billing_email: str, origin: Origin = NO_ORIGIN
) -> BillingDetails:
    """An account admin changes the billing details: audited with before/after, and staff are alerted."""
    require_contact(scope, "portal.billing", customer_id)
    before = await billing_details(scope, customer_id)
    address, tax_id, billing_email = address.strip(), tax_id.strip(), billing_email.strip()
    problems = []
    if not address or len(address) > 1000:
        problems.append(("address", "enter the billing address"))
    if len(tax_id) > 64:
        problems.append(("taxId", "a tax id has at most 64 characters"))
    if billing_email and ("@" not in billing_email or len(billing_email) > 254 or " " in billing_email):
        problems.append(("billingEmail", "enter an email address like ap@example.com"))
    raise_problems(problems)
    after = BillingDetails(address, tax_id, billing_email)
    await repository.update_customer(
        scope, customer_id, billing_address=address, tax_id=tax_id, billing_email=billing_email
    )
    changes = {
        k: {"from": getattr(before, k), "to": getattr(after, k)}
        for k in ("address", "tax_id", "billing_email")
        if getattr(before, k) != getattr(after, k)
    }
    event = await audit.record(
        scope,
        "billing.updated",
        target_type="customer",
        target_id=customer_id,
        details=changes,
        origin=origin,
    )
    await repository.add_alert(
        scope,
        customer_id=customer_id,
        rule="billing_details_changed",
        severity=AlertSeverity.INFO,
        dedupe_key=f"billing_details_changed:{customer_id}:{event.id}",
        message=f"{scope.principal} changed the billing details of the account",
        details=changes,
    )
    return after
