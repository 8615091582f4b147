"""Every query of disputes and the credit notes their decisions issue; each starts from the scope."""

from __future__ import annotations

from tortoise.functions import Sum

from app.db.scoping import new_row, scoped
from app.models import CreditApplication, CreditNote, Dispute
from app.models.enums import DisputeStatus
from app.scope import Scope

OPEN = (DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW)


async def add(scope: Scope, **values) -> Dispute:
    row = new_row(Dispute, scope, **values)
    await row.save()
    return row


async def get(scope: Scope, dispute_id: int) -> Dispute | None:
    return await scoped(Dispute, scope).filter(id=dispute_id).prefetch_related("invoice", "contact").first()


async def held_on_invoice(scope: Scope, invoice_id: int) -> int:
    row = (
        await scoped(Dispute, scope)
        .filter(invoice_id=invoice_id, status__in=OPEN)
        .annotate(held=Sum("amount"))
        .first()
        .values("held")
    )
    return int((row or {}).get("held") or 0)


async def open_disputes(scope: Scope, customer_id: int | None = None, limit: int = 100) -> list[Dispute]:
    query = scoped(Dispute, scope).filter(status__in=OPEN)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return await query.order_by("opened_on", "id").limit(limit).prefetch_related("invoice")


async def update(scope: Scope, dispute_id: int, **values) -> int:
    return await scoped(Dispute, scope).filter(id=dispute_id).update(**values)


async def add_credit_note(scope: Scope, invoice_id: int, **values) -> CreditNote:
    """A credit note applied in full to ``invoice_id`` on its own date."""
    note = new_row(CreditNote, scope, **values)
    await note.save()
    application = new_row(
        CreditApplication,
        scope,
        credit_note_id=note.id,
        invoice_id=invoice_id,
        amount=note.amount,
        date=note.date,
    )
    await application.save()
    return note


async def add_staff_message(scope: Scope, request_id: int, body: str) -> None:
    from app.models import SupportMessage
    from app.models.enums import MessageAuthor

    await new_row(
        SupportMessage, scope, request_id=request_id, author_kind=MessageAuthor.STAFF, body=body
    ).save()
