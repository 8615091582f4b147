"""Staff API tokens for machine clients and dashboard back ends.

A token is shown once, at creation; we keep only its SHA-256 hash, so a leaked database does not leak
usable tokens. Each token carries one staff role and belongs to one tenant.

Checking a token read its row on every request, a third of what a small query cost (issue 14). A
token found valid is now trusted for ``CHECK_AGAIN_AFTER`` (10 s) without reading the row again, in a
small per-process cache keyed by the token's hash (never by the secret). What that bounds:

- **expiry** is checked on every request against the clock, cached or not: an expired token is
  refused from its expiry on;
- **revocation** takes effect at once in the process that revoked it (its entry is dropped, and a
  check that was reading the row meanwhile is not cached), and within ``CHECK_AGAIN_AFTER`` in every
  other process (other server workers, after ``ledgerport tokens revoke`` on the command line);
- unknown, revoked and expired tokens are never cached: each is read and refused every time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cachetools import TTLCache
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
#: How long a valid token is trusted without reading its row: the bound on a revocation made in
#: another process (docs/limits.md). Expiry is checked on every request regardless.
CHECK_AGAIN_AFTER = timedelta(seconds=10)
#: Tokens checked in the last CHECK_AGAIN_AFTER kept at most (a process serves a few clients).
CACHED_TOKENS = 4096


@dataclass(frozen=True)
class _Checked:
    """A token found valid at ``checked_at``: the scope it grants and when it expires."""

    scope: Scope
    expires_at: datetime | None
    checked_at: datetime


def _seconds() -> float:
    # The business clock, so tests move time with ``clock.frozen``; entries are also checked against
    # ``checked_at`` (``_trusted``), so a clock set back cannot make one live longer.
    return clock.now().timestamp()


_checked: TTLCache[str, _Checked] = TTLCache(CACHED_TOKENS, CHECK_AGAIN_AFTER.total_seconds(), timer=_seconds)
# Hashes revoked here lately: a check that read the row before the revocation must not cache it.
_revoked_here: TTLCache[str, bool] = TTLCache(
    CACHED_TOKENS, 2 * CHECK_AGAIN_AFTER.total_seconds(), timer=_seconds
)


def trust_checks_for(seconds: int) -> None:
    """Set ``CHECK_AGAIN_AFTER`` for this process (``LEDGERPORT_TOKEN_CHECK_SECONDS``; 0: no cache)
    and start with an empty cache."""
    global CHECK_AGAIN_AFTER, _checked, _revoked_here
    CHECK_AGAIN_AFTER = timedelta(seconds=max(0, seconds))
    ttl = max(CHECK_AGAIN_AFTER.total_seconds(), 0.001)
    _checked = TTLCache(CACHED_TOKENS, ttl, timer=_seconds)
    _revoked_here = TTLCache(CACHED_TOKENS, 2 * ttl, timer=_seconds)


def forget_checked_tokens() -> None:
    """Drop every cached check (tests that rewrite token rows behind the service's back)."""
    _checked.clear()
    _revoked_here.clear()


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
            _revoked_here[token.token_hash] = True
            _checked.pop(token.token_hash, None)
            await audit.record(
                scope,
                "token.revoked",
                target_type="api_token",
                target_id=token.id,
                details={"name": name},
                origin=origin,
            )
        _checked.pop(token.token_hash, None)
        token.revoked_at = now
    return token


async def list_tokens(scope: Scope) -> list[ApiToken]:
    require(scope, "tokens.manage")
    return await repository.list_all(scope)


async def authenticate(secret: str) -> Scope:
    """The staff scope a bearer token grants; raises ``AuthenticationError`` saying what is wrong."""
    if not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationError("Invalid API token: it is not a Ledgerport token", code="invalid_token")
    digest = hash_token(secret)
    now = clock.now()
    cached = _checked.get(digest)
    if cached is not None and _trusted(cached, now):
        _refuse_if_expired(cached.expires_at, now)
        return cached.scope
    token = await repository.find_by_hash(digest)
    if token is None:
        raise AuthenticationError("Invalid API token", code="invalid_token")
    if token.revoked_at is not None:
        raise AuthenticationError("This API token has been revoked", code="token_revoked")
    _refuse_if_expired(token.expires_at, now)
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        await repository.touch(token.tenant_id, token.id, now)
    scope = Scope(
        tenant_id=token.tenant_id,
        tenant_slug=token.tenant.slug,
        kind=PrincipalKind.TOKEN,
        principal=f"token:{token.name}",
        role=StaffRole(token.role),
        principal_id=token.id,
    )
    if CHECK_AGAIN_AFTER and digest not in _revoked_here:
        _checked[digest] = _Checked(scope, token.expires_at, now)
    return scope


def _trusted(cached: _Checked, now: datetime) -> bool:
    return timedelta(0) <= now - cached.checked_at < CHECK_AGAIN_AFTER


def _refuse_if_expired(expires_at: datetime | None, now: datetime) -> None:
    if expires_at is not None and expires_at <= now:
        raise AuthenticationError(
            f"This API token expired at {expires_at:%Y-%m-%d %H:%M} UTC", code="token_expired"
        )
