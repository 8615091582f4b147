"""Payment rows of the caller's scope."""

from __future__ import annotations

from datetime import date

from app.db.scoping import scoped
from app.models import Payment
from app.scope import Scope


async def page_of_customer(
    scope: Scope, customer_id: int, as_of: date, offset: int, limit: int
) -> tuple[list[Payment], int]:
    query = scoped(Payment, scope).filter(customer_id=customer_id, received_date__lte=as_of)
    total = await query.count()
    rows = await query.order_by("-received_date", "-id").offset(offset).limit(limit)
    return rows, total
