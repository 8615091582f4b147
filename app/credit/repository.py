"""Every query of credit holds; each starts from the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable

from app.db.scoping import scoped
from app.models import CreditHold
from app.scope import Scope


async def held_customer_ids(scope: Scope, customer_ids: Iterable[int] | None = None) -> set[int]:
    query = scoped(CreditHold, scope).filter(released_at__isnull=True)
    if customer_ids is not None:
        query = query.filter(customer_id__in=list(customer_ids))
    return set(await query.distinct().values_list("customer_id", flat=True))
