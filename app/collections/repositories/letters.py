"""The print queue's queries (app/collections/letters.py): letter-step messages of the caller's tenant."""

from __future__ import annotations

from datetime import datetime

from app.db.scoping import scoped
from app.models import DunningMessage
from app.scope import Scope

LETTER = "letter"


def _letters(scope: Scope):
    return scoped(DunningMessage, scope).filter(channel=LETTER)


async def page(scope: Scope, *, printed: bool, offset: int, limit: int) -> tuple[list[DunningMessage], int]:
    """Queued letters oldest first, or printed ones latest printed first; and how many there are."""
    query = _letters(scope).filter(printed_at__isnull=not printed)
    order = ("-printed_at", "-id") if printed else ("sent_on", "id")
    return await query.order_by(*order).offset(offset).limit(limit), await query.count()


async def oldest_queued(scope: Scope, limit: int) -> list[DunningMessage]:
    return await _letters(scope).filter(printed_at__isnull=True).order_by("sent_on", "id").limit(limit)


async def by_ids(scope: Scope, ids: list[int]) -> dict[int, DunningMessage]:
    return {m.id: m for m in await _letters(scope).filter(id__in=ids)}


async def mark_printed(scope: Scope, ids: list[int], at: datetime, by: str) -> None:
    """Only those not marked yet: a letter keeps its first marking."""
    await _letters(scope).filter(id__in=ids, printed_at__isnull=True).update(printed_at=at, printed_by=by)
