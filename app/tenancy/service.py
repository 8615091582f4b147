"""Keeping tenant rows in step with tenant files, and turning a slug into a system scope."""

from __future__ import annotations

from app.errors import ConfigError
from app.scope import Scope
from app.tenancy import repository
from app.tenancy.registry import TenantRegistry


async def sync_tenants(registry: TenantRegistry) -> dict[str, int]:
    """Upsert one tenant row per file so every command works on a freshly migrated database.

    Tenants whose files were removed are left in place: their data stays until an operator deletes it.
    Returns slug -> tenant id.
    """
    ids: dict[str, int] = {}
    for tenant_file in registry:
        tenant, _ = await repository.upsert_tenant(tenant_file.config)
        ids[tenant.slug] = tenant.id
    return ids


async def system_scope(slug: str, principal: str = "system") -> Scope:
    """The command line's scope for a tenant; the tenant must exist (run ``ledgerport migrate``)."""
    tenant = await repository.get_by_slug(slug)
    if tenant is None:
        raise ConfigError(
            f"tenant {slug!r} is not in the database: check tenants/ and run `ledgerport migrate`"
        )
    return Scope.system(tenant.id, tenant.slug, principal)


async def current_tenant(scope: Scope):
    """The caller's tenant row."""
    tenant = await repository.get_by_id(scope.tenant_id)
    if tenant is None:  # the row was deleted under a live credential
        raise ConfigError(f"tenant {scope.tenant_slug!r} no longer exists")
    return tenant


async def tenant_id_for(slug: str) -> int:
    """The id of a tenant named by a sign-in route (before any scope exists)."""
    tenant = await repository.get_by_slug(slug)
    if tenant is None:
        raise ConfigError(f"tenant {slug!r} is not in the database: run `ledgerport migrate`")
    return tenant.id
