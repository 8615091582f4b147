"""Server-side sign-in sessions: created at sign-in, checked on every request, ended or revoked.

The browser holds only a random secret (in a signed cookie); we keep its SHA-256 hash with what it
grants. Each request rebuilds the caller's scope from the current membership or contact accesses, so a
role change or a removed account takes effect at once, and an admin can revoke a session outright.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.hashing import hash_secret
from app.auth.permissions import require
from app.auth.repositories import identities
from app.auth.repositories import sessions as repository
from app.errors import AuthenticationError, NotFound
from app.models import AuthSession
from app.models.enums import StaffRole
from app.scope import PrincipalKind, Scope

STAFF = "staff"
CONTACT = "contact"
# A session ends after this long without a request...
IDLE_TIMEOUT = timedelta(hours=2)
# ...and in any case this long after sign-in.
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Refresh ``last_seen_at`` at most this often, so a request is not a write each time.
TOUCH_EVERY = timedelta(minutes=1)


async def start(
    tenant_id: int,
    *,
    kind: str,
    principal: str,
    membership_id: int | None = None,
    contact_id: int | None = None,
    id_token: str = "",
    origin: Origin = NO_ORIGIN,
) -> tuple[AuthSession, str]:
    """A new session (a fresh secret at every sign-in: that is the rotation); returns row and secret."""
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    session = await repository.insert(
        tenant_id,
        kind=kind,
        principal=principal,
        membership_id=membership_id,
        contact_id=contact_id,
        secret_hash=hash_secret(secret),
        last_seen_at=now,
        expires_at=now + ABSOLUTE_TIMEOUT,
        ip=origin.ip[:64],
        user_agent=origin.user_agent[:300],
        id_token=id_token,
    )
    return session, secret


async def _live_session(tenant_id: int, secret: str, kind: str) -> AuthSession:
    session = await repository.by_hash(tenant_id, hash_secret(secret))
    if session is None or session.kind != kind:
        raise AuthenticationError("Your session is not valid; sign in again", code="session_invalid")
    now = clock.now()
    if session.revoked_at is not None:
        raise AuthenticationError("Your session has ended; sign in again", code="session_revoked")
    if session.expires_at <= now or session.last_seen_at + IDLE_TIMEOUT <= now:
        raise AuthenticationError("Your session has expired; sign in again", code="session_expired")
    if now - session.last_seen_at > TOUCH_EVERY:
        await repository.touch(tenant_id, session.id, now)
    return session


async def staff_scope(tenant_id: int, tenant_slug: str, secret: str) -> Scope:
    """The scope a staff session cookie grants, from the membership as it is now."""
    session = await _live_session(tenant_id, secret, STAFF)
    membership = await identities.membership_by_id(tenant_id, session.membership_id or 0)
    if membership is None or not membership.active:
        raise AuthenticationError("Your access to this tenant has been removed", code="session_revoked")
    return Scope(
        tenant_id=tenant_id,
        tenant_slug=tenant_slug,
        kind=PrincipalKind.STAFF,
        principal=membership.user.email,
        role=StaffRole(membership.role),
        principal_id=membership.id,
    )


async def contact_scope(tenant_id: int, tenant_slug: str, secret: str) -> Scope:
    """The scope a portal session cookie grants: its tenant and the accounts the contact holds now."""
    session = await _live_session(tenant_id, secret, CONTACT)
    contact = await identities.contact_by_id(tenant_id, session.contact_id or 0)
    if contact is None:
        raise AuthenticationError("Your access to this portal has been removed", code="session_revoked")
    return await contact_scope_for(tenant_id, tenant_slug, contact.id, contact.email)


async def contact_scope_for(tenant_id: int, tenant_slug: str, contact_id: int, email: str) -> Scope:
    roles = await identities.contact_roles(tenant_id, contact_id)
    return Scope(
        tenant_id=tenant_id,
        tenant_slug=tenant_slug,
        kind=PrincipalKind.CONTACT,
        principal=email,
        customer_ids=frozenset(roles),
        contact_roles=roles,
        principal_id=contact_id,
    )


async def end(tenant_id: int, secret: str) -> AuthSession | None:
    """End the caller's own session (sign-out, or rotation at a new sign-in); None when there was none."""
    session = await repository.by_hash(tenant_id, hash_secret(secret))
    if session is None or session.revoked_at is not None:
        return None
    await repository.end(tenant_id, session.id, clock.now())
    return session


async def list_active(scope: Scope) -> list[AuthSession]:
    require(scope, "sessions.manage")
    return await repository.active(scope, clock.now())


async def revoke(scope: Scope, session_id: int, origin: Origin = NO_ORIGIN) -> AuthSession:
    """A staff admin ends someone's session; their next request is refused."""
    require(scope, "sessions.manage")
    session = await repository.by_id(scope, session_id)
    if session is None:
        raise NotFound(f"no session {session_id} in this tenant")
    if session.revoked_at is None:
        await repository.revoke(scope, session.id, clock.now())
        await audit.record(
            scope,
            "session.revoked",
            target_type="auth_session",
            target_id=session.id,
            details={"principal": session.principal, "kind": session.kind},
            origin=origin,
        )
    return session
