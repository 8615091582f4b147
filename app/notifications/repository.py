"""The delivery record of each email (every query through the tenant's scope)."""

from __future__ import annotations

from typing import Any

from app.db.scoping import new_row, scoped
from app.models import EmailDelivery
from app.scope import Scope


async def delivery(scope: Scope, key: str) -> EmailDelivery | None:
    return await scoped(EmailDelivery, scope).get_or_none(key=key)


async def record(scope: Scope, key: str, **values: Any) -> None:
    """Create or update the record of ``key``."""
    updated = await scoped(EmailDelivery, scope).filter(key=key).update(**values)
    if not updated:
        await new_row(EmailDelivery, scope, key=key, **values).save()


async def deliveries(scope: Scope) -> list[EmailDelivery]:
    return list(await scoped(EmailDelivery, scope).order_by("id"))
