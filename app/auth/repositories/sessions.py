"""Session rows. Finding a session by its secret's hash happens before a scope exists (the session is
what makes the scope), so that lookup filters by the tenant id carried in the signed cookie."""

from __future__ import annotations

from datetime import datetime

from app.db.scoping import scoped
from app.models import AuthSession
from app.scope import Scope


async def insert(tenant_id: int, **values) -> AuthSession:
    """Pre-scope (sign-in): the session that the sign-in is creating."""
    return await AuthSession.create(tenant_id=tenant_id, **values)


async def by_hash(tenant_id: int, secret_hash: str) -> AuthSession | None:
    """Pre-scope (session cookie): the session a cookie names, within the cookie's tenant."""
    return await AuthSession.get_or_none(tenant_id=tenant_id, secret_hash=secret_hash)


async def touch(tenant_id: int, session_id: int, when: datetime) -> None:
    """Pre-scope (session cookie): record activity for the idle timeout."""
    await AuthSession.filter(tenant_id=tenant_id, id=session_id).update(last_seen_at=when)


async def end(tenant_id: int, session_id: int, when: datetime) -> None:
    """Pre-scope (sign-out, rotation): end the caller's own session."""
    await AuthSession.filter(tenant_id=tenant_id, id=session_id, revoked_at=None).update(revoked_at=when)


async def by_id(scope: Scope, session_id: int) -> AuthSession | None:
    return await scoped(AuthSession, scope).get_or_none(id=session_id)


async def revoke(scope: Scope, session_id: int, when: datetime) -> None:
    await scoped(AuthSession, scope).filter(id=session_id, revoked_at=None).update(revoked_at=when)


async def active(scope: Scope, now: datetime) -> list[AuthSession]:
    return (
        await scoped(AuthSession, scope).filter(revoked_at=None, expires_at__gt=now).order_by("-created_at")
    )
