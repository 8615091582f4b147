"""Audit rows: appended, listed newest first, always within the caller's tenant."""

from __future__ import annotations

from app.db.scoping import new_row, scoped
from app.models import AuditEvent
from app.scope import Scope


async def insert(scope: Scope, **values) -> AuditEvent:
    event = new_row(AuditEvent, scope, **values)
    await event.save()
    return event


async def recent(scope: Scope, limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    query = scoped(AuditEvent, scope)
    if action:
        query = query.filter(action=action)
    return await query.order_by("-occurred_at", "-id").limit(limit)
