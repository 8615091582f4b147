"""API token rows. Looking a token up by its hash is the one query that precedes a scope: the token is
what tells us the tenant, so that lookup alone is not tenant-filtered."""

from __future__ import annotations

from datetime import datetime

from app.db.scoping import new_row, scoped
from app.models import ApiToken
from app.scope import Scope


async def find_by_hash(token_hash: str) -> ApiToken | None:
    return await ApiToken.get_or_none(token_hash=token_hash).select_related("tenant")


async def insert(scope: Scope, **values) -> ApiToken:
    token = new_row(ApiToken, scope, **values)
    await token.save()
    return token


async def by_name(scope: Scope, name: str) -> ApiToken | None:
    return await scoped(ApiToken, scope).get_or_none(name=name)


async def list_all(scope: Scope) -> list[ApiToken]:
    return await scoped(ApiToken, scope).order_by("name")


async def mark_revoked(scope: Scope, token_id: int, when: datetime) -> None:
    await scoped(ApiToken, scope).filter(id=token_id).update(revoked_at=when)


async def touch(tenant_id: int, token_id: int, when: datetime) -> None:
    """By tenant and id, so the statement names its tenant like every other (Citus routes by it)."""
    await ApiToken.filter(tenant_id=tenant_id, id=token_id).update(last_used_at=when)
