"""The demo's queries: which seeded accounts are worth showing a newcomer, and what they already have."""

from __future__ import annotations

from datetime import date

from tortoise.expressions import F, Subquery
from tortoise.functions import Count

from app.db.scoping import new_row, scoped
from app.models import (
    ApprovalRequest,
    CustomerAccount,
    Dispute,
    Invoice,
    OnboardingApplication,
    PromiseInvoice,
    PromiseToPay,
)
from app.models.enums import NOT_RECEIVABLE, DisputeStatus, InvoiceStatus, PromiseStatus
from app.scope import Scope

#: Who the demo's own rows are created by.
DEMO = "demo"


def _overdue_undisputed(scope: Scope, today: date):
    disputed_invoices = scoped(Dispute, scope).filter(invoice_id__isnull=False).values("invoice_id")
    return (
        scoped(Invoice, scope)
        .filter(due_date__lt=today, total__gt=F("settled"))
        .exclude(status__in=NOT_RECEIVABLE)
        .exclude(id__in=Subquery(disputed_invoices))
    )


async def overdue_undisputed_counts(scope: Scope, today: date) -> dict[int, int]:
    """Customer id -> how many of its invoices are past due, open and not disputed (a promise to pay or
    a new dispute can cover them)."""
    rows = (
        await _overdue_undisputed(scope, today)
        .group_by("customer_id")
        .annotate(n=Count("id"))
        .values("customer_id", "n")
    )
    return {r["customer_id"]: r["n"] for r in rows}


async def customers_with_open_disputes(scope: Scope) -> set[int]:
    rows = (
        await scoped(Dispute, scope)
        .filter(status=DisputeStatus.OPEN)
        .distinct()
        .values_list("customer_id", flat=True)
    )
    return set(rows)


async def accounts(scope: Scope, customer_ids: list[int]) -> list[CustomerAccount]:
    found = {a.id: a for a in await scoped(CustomerAccount, scope).filter(id__in=customer_ids)}
    return [found[i] for i in customer_ids if i in found]


async def first_accounts(scope: Scope, limit: int) -> list[CustomerAccount]:
    return await scoped(CustomerAccount, scope).order_by("id").limit(limit)


async def open_overdue_undisputed_invoices(scope: Scope, customer_id: int, today: date) -> list[Invoice]:
    return await _overdue_undisputed(scope, today).filter(customer_id=customer_id).order_by("due_date", "id")


async def shown_before(scope: Scope) -> list[int]:
    """Accounts an earlier demo run chose (it left them a promise to pay), oldest choice first."""
    rows = (
        await scoped(PromiseToPay, scope)
        .filter(created_by=DEMO)
        .order_by("id")
        .values_list("customer_id", flat=True)
    )
    return list(dict.fromkeys(rows))


async def has_open_promise(scope: Scope, customer_id: int) -> bool:
    return (
        await scoped(PromiseToPay, scope).filter(customer_id=customer_id, status=PromiseStatus.OPEN).exists()
    )


async def add_promise(scope: Scope, invoice: Invoice, promised_date: date, note: str) -> PromiseToPay:
    promise = new_row(
        PromiseToPay,
        scope,
        customer_id=invoice.customer_id,
        promised_date=promised_date,
        amount=invoice.total - invoice.settled,
        currency=invoice.currency,
        status=PromiseStatus.OPEN,
        note=note,
        created_by=DEMO,
    )
    await promise.save()
    await new_row(PromiseInvoice, scope, promise_id=promise.id, invoice_id=invoice.id).save()
    return promise


async def fill_billing_details(scope: Scope, customer_id: int, **values: str) -> None:
    await scoped(CustomerAccount, scope).filter(id=customer_id).update(**values)


async def has_approval_requests(scope: Scope) -> bool:
    return await scoped(ApprovalRequest, scope).exists()


async def has_onboarding_applications(scope: Scope) -> bool:
    return await scoped(OnboardingApplication, scope).exists()


async def largest_open_invoice(scope: Scope, customer_ids: list[int]) -> Invoice | None:
    """The open invoice with the most still to collect among ``customer_ids`` (a write-off to ask for)."""
    return await (
        scoped(Invoice, scope)
        .filter(customer_id__in=customer_ids, status=InvoiceStatus.OPEN, total__gt=F("settled"))
        .order_by("-total", "id")
        .first()
    )
