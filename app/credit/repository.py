"""Every query of credit holds; each starts from the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable

from app.db.scoping import new_row, scoped
from app.models import CreditHold, CreditReview, CustomerAccount, Invoice, WriteOff
from app.scope import Scope


async def held_customer_ids(scope: Scope, customer_ids: Iterable[int] | None = None) -> set[int]:
    query = scoped(CreditHold, scope).filter(released_at__isnull=True)
    if customer_ids is not None:
        query = query.filter(customer_id__in=list(customer_ids))
    return set(await query.distinct().values_list("customer_id", flat=True))


async def customer(scope: Scope, customer_id: int) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).get_or_none(id=customer_id)


async def set_credit_limit(scope: Scope, customer_id: int, limit: int) -> int:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).update(credit_limit=limit)


async def add_credit_review(scope: Scope, **values) -> CreditReview:
    row = new_row(CreditReview, scope, **values)
    await row.save()
    return row


async def credit_reviews(scope: Scope, customer_id: int) -> list[CreditReview]:
    return await scoped(CreditReview, scope).filter(customer_id=customer_id).order_by("-id")


async def invoice_external_id(scope: Scope, invoice_id: int) -> str | None:
    row = await scoped(Invoice, scope).filter(id=invoice_id).first().values("external_id")
    return row["external_id"] if row else None


async def write_off_by_external_id(scope: Scope, external_id: str) -> WriteOff | None:
    return await scoped(WriteOff, scope).filter(external_id=external_id).first()
