"""Every query of disputes and the credit notes their decisions issue; each starts from the scope."""

from __future__ import annotations

from tortoise.functions import Sum

from app.db.scoping import new_row, scoped
from app.errors import NotFound
from app.models import CreditNote, CustomerAccount, Dispute, Invoice
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


async def external_ids(scope: Scope, customer_id: int, invoice_id: int) -> tuple[str, str]:
    """The ERP keys of a customer and one of its invoices, as the ingest batch names them."""
    customer = await scoped(CustomerAccount, scope).filter(id=customer_id).first().values("external_id")
    invoice = await scoped(Invoice, scope).filter(id=invoice_id).first().values("external_id")
    if not customer or not invoice:
        raise NotFound("invoice not found")
    return customer["external_id"], invoice["external_id"]


async def credit_note(scope: Scope, external_id: str) -> CreditNote | None:
    return await scoped(CreditNote, scope).filter(external_id=external_id).first()


async def add_staff_message(scope: Scope, request_id: int, body: str) -> None:
    from app.models import SupportMessage
    from app.models.enums import MessageAuthor

    await new_row(
        SupportMessage, scope, request_id=request_id, author_kind=MessageAuthor.STAFF, body=body
    ).save()
