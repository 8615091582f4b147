"""Rows applied to invoices (payment allocations, credit applications) and invoice disputes."""

from __future__ import annotations

from datetime import date

from app.db.scoping import joined, scoped
from app.models import CreditApplication, Dispute, PaymentAllocation
from app.scope import Scope


async def allocations(scope: Scope, invoice_ids: list[int], as_of: date) -> list[PaymentAllocation]:
    return await joined(
        scoped(PaymentAllocation, scope).filter(invoice_id__in=invoice_ids, date__lte=as_of), scope, "payment"
    ).order_by("date", "id")


async def credit_applications(scope: Scope, invoice_ids: list[int], as_of: date) -> list[CreditApplication]:
    return await joined(
        scoped(CreditApplication, scope).filter(invoice_id__in=invoice_ids, date__lte=as_of),
        scope,
        "credit_note",
    ).order_by("date", "id")


async def disputes(scope: Scope, invoice_ids: list[int]) -> list[Dispute]:
    return await scoped(Dispute, scope).filter(invoice_id__in=invoice_ids).order_by("opened_on", "id")
