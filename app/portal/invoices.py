"""A contact's invoices: the keyset-paged list with its filter, and one invoice in detail."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from app.disputes import repository as disputes
from app.documents import repository as documents
from app.documents.urls import invoice_pdf_url
from app.errors import NotFound, ValidationFailed
from app.ids import is_key
from app.inputs.text import search_term
from app.portal import repository
from app.portal.access import MAX_PAGE, account, check_read, today_in
from app.portal.repository import Applied, InvoiceFilter, InvoiceSummary
from app.scope import Scope
from app.tenancy.config import TenantConfig

STATUSES = ("open", "overdue", "paid", "disputed")


@dataclass(frozen=True)
class InvoiceDetail:
    summary: InvoiceSummary
    customer_id: int
    lines: list
    payments: list[Applied]
    credits: list[Applied]
    disputed_amount: int
    pdf_url: str


def invoice_cursor(summary: InvoiceSummary) -> str:
    """An opaque position in the invoice list (issue date, id): the list is keyset-paged on both."""
    return base64.urlsafe_b64encode(f"{summary.issue_date.isoformat()}|{summary.id}".encode()).decode()


def parse_invoice_cursor(raw: str | None) -> tuple[date, int] | None:
    if not raw:
        return None
    try:
        day, _, pk = base64.urlsafe_b64decode(raw[:64].encode()).decode().partition("|")
        if not is_key(pk) or len(raw) > 64:  # an id no row has would overflow the database driver
            raise ValueError(pk)
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
    # A bounded line of text (app.inputs.text); the ORM escapes its LIKE wildcards.
    return InvoiceFilter((status or "").lower() or None, date_from, date_to, search_term(search) or "")


async def invoices(
    scope: Scope,
    customer_id: int,
    tenant: TenantConfig,
    flt: InvoiceFilter,
    first: int = 20,
    after: tuple[date, int] | None = None,
) -> tuple[list[InvoiceSummary], bool]:
    """One page of the account's invoices (newest first) and whether there are more."""
    await account(scope, customer_id)
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
