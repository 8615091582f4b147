"""Queries of the tenant table itself (not tenant-owned: it is what scopes are made of)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from app.models import Tenant
from app.tenancy.config import TenantConfig


async def upsert_tenant(config: TenantConfig) -> tuple[Tenant, bool]:
    """Create or update the tenant row from its file; returns (row, changed)."""
    values = {"name": config.name, "base_currency": config.base_currency, "timezone": config.timezone}
    tenant = await Tenant.get_or_none(slug=config.slug)
    if tenant is None:
        try:
            return await Tenant.create(slug=config.slug, **values), True
        except IntegrityError:
            # Another process starting at the same moment (servers behind a load balancer, a worker)
            # created it between our read and our insert: theirs is the row, from the same file.
            tenant = await Tenant.get(slug=config.slug)
    changed = {k: v for k, v in values.items() if getattr(tenant, k) != v}
    if changed:
        await tenant.update_from_dict(changed).save(update_fields=list(changed))
    return tenant, bool(changed)


async def get_by_slug(slug: str) -> Tenant | None:
    return await Tenant.get_or_none(slug=slug)


async def get_by_id(tenant_id: int) -> Tenant | None:
    return await Tenant.get_or_none(id=tenant_id)
