"""Recording who did what, when and from where.

Callers pass the scope of the actor; the request origin (address, user agent) comes from the web layer
when there is one. Audit writes are part of the caller's transaction when it has one, so an action that
rolls back leaves no audit row claiming it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.audit import repository
from app.models import AuditEvent
from app.scope import Scope


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""


NO_ORIGIN = Origin()


async def record(
    scope: Scope,
    action: str,
    *,
    target_type: str = "",
    target_id: str | int = "",
    details: dict[str, Any] | None = None,
    origin: Origin = NO_ORIGIN,
) -> AuditEvent:
    return await repository.insert(
        scope,
        actor_kind=scope.kind.value,
        actor=scope.principal,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        ip=origin.ip[:64],
        user_agent=origin.user_agent[:300],
        details=details or {},
    )


async def recent(scope: Scope, limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    return await repository.recent(scope, limit=limit, action=action)
