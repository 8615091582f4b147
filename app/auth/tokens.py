"""Staff API tokens for machine clients and dashboard back ends.

A token is shown once, at creation; we keep only its SHA-256 hash, so a leaked database does not leak
usable tokens. Each token carries one staff role and belongs to one tenant.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth import repository
from app.auth.hashing import hash_secret as hash_token
from app.auth.permissions import require
from app.errors import AuthenticationError, Conflict, NotFound
from app.models import ApiToken
from app.models.enums import StaffRole
from app.scope import PrincipalKind, Scope

TOKEN_PREFIX = "lp_"
# Refresh ``last_used_at`` at most this often, so authenticating is not a write per request.
TOUCH_EVERY = timedelta(minutes=5)


async def create_token(
    scope: Scope,
    *,
    name: str,
    role: StaffRole,
    expires_in_days: int | None = None,
    origin: Origin = NO_ORIGIN,
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the secret, which is never stored or shown again."""
    require(scope, "tokens.manage")
    name = name.strip()
    if not name:
        raise Conflict("a token needs a name", code="invalid", field="name")
    if await repository.by_name(scope, name) is not None:
        raise Conflict(
            f"a token named {name!r} already exists in this tenant", code="duplicate", field="name"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(days=expires_in_days) if expires_in_days else None
    async with in_transaction():
        token = await repository.insert(
            scope,
            name=name,
            role=role,
            prefix=secret[:10],
            token_hash=hash_token(secret),
            created_by=scope.principal,
            expires_at=expires_at,
        )
        await audit.record(
            scope,
            "token.created",
            target_type="api_token",
            target_id=token.id,
            details={
                "name": name,
                "role": role.value,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            origin=origin,
        )
    return token, secret


async def revoke_token(scope: Scope, name: str, origin: Origin = NO_ORIGIN) -> ApiToken:
    require(scope, "tokens.manage")
    token = await repository.by_name(scope, name)
    if token is None:
        raise NotFound(f"no token named {name!r} in this tenant")
    if token.revoked_at is None:
        now = clock.now()
        async with in_transaction():
            await repository.mark_revoked(scope, token.id, now)
            await audit.record(
                scope,
                "token.revoked",
                target_type="api_token",
                target_id=token.id,
                details={"name": name},
                origin=origin,
            )
        token.revoked_at = now
    return token


async def list_tokens(scope: Scope) -> list[ApiToken]:
    require(scope, "tokens.manage")
    return await repository.list_all(scope)


async def authenticate(secret: str) -> Scope:
    """The staff scope a bearer token grants; raises ``AuthenticationError`` saying what is wrong."""
    if not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationError("Invalid API token: it is not a Ledgerport token", code="invalid_token")
    token = await repository.find_by_hash(hash_token(secret))
    if token is None:
        raise AuthenticationError("Invalid API token", code="invalid_token")
    now = clock.now()
    if token.revoked_at is not None:
        raise AuthenticationError("This API token has been revoked", code="token_revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationError(
            f"This API token expired at {token.expires_at:%Y-%m-%d %H:%M} UTC", code="token_expired"
        )
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        await repository.touch(token.id, now)
    return Scope(
        tenant_id=token.tenant_id,
        tenant_slug=token.tenant.slug,
        kind=PrincipalKind.TOKEN,
        principal=f"token:{token.name}",
        role=StaffRole(token.role),
        principal_id=token.id,
    )
