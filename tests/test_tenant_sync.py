"""Tenant rows from tenant files when several processes start at once on a fresh database."""

from __future__ import annotations

import asyncio

from app.models import Tenant
from app.tenancy import repository
from app.tenancy.service import sync_tenants


async def test_processes_syncing_at_the_same_moment_agree_on_one_row_per_tenant(db, registry):
    first, second = await asyncio.gather(sync_tenants(registry), sync_tenants(registry))
    assert first == second
    assert sorted(await Tenant.all().values_list("slug", flat=True)) == ["cloudly", "northwind"]


async def test_a_row_created_between_the_read_and_the_insert_is_taken_not_refused(db, registry, monkeypatch):
    """Two servers started together (the race the two-process tests met): the loser's insert violates
    the unique slug; it must take the winner's row instead of failing its start-up."""
    ids = await sync_tenants(registry)

    async def not_yet(**_):
        return None  # what the loser read before the winner committed

    monkeypatch.setattr(repository.Tenant, "get_or_none", not_yet)
    config = registry.get("northwind").config
    tenant, created = await repository.upsert_tenant(config)
    assert tenant.id == ids["northwind"] and tenant.slug == "northwind"
    assert await Tenant.filter(slug="northwind").count() == 1
    assert created is False
