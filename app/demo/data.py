"""Getting the demo ready: tenant rows, demo data when empty, and a fresh admin token per tenant."""

from __future__ import annotations

from dataclasses import dataclass, field

from app import clock
from app.auth import tokens as token_service
from app.ingest import seeder
from app.models.enums import StaffRole
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

DEMO_TOKEN_NAME = "demo-admin"
# How much demo data each tenant gets when it has no customers yet: (customers, months of history).
DEMO_DATA = {"northwind": (8_000, 24), "cloudly": (300, 24)}
DEMO_SEED = 42
# A scaled-down demo still needs enough customers for every segment, region and alert rule to show.
DEMO_MIN_CUSTOMERS = 20


def demo_size(slug: str, scale: float = 1.0) -> tuple[int, int]:
    """(customers, months) seeded for a tenant; ``scale`` shrinks or grows the customer count only, so
    a small demo keeps the full history that trends and DSO need."""
    customers, months = DEMO_DATA.get(slug, (200, 24))
    return max(DEMO_MIN_CUSTOMERS, round(customers * scale)), months


@dataclass
class DemoInfo:
    tokens: dict[str, str] = field(default_factory=dict)
    #: slug -> (rows written, seconds) for tenants seeded by this run.
    seeded: dict[str, tuple[int, float]] = field(default_factory=dict)


async def prepare_demo(registry: TenantRegistry, scale: float = 1.0) -> DemoInfo:
    """Sync tenants, seed the ones without customers, and issue a new demo token for each (the old one
    is revoked: secrets are not kept)."""
    await sync_tenants(registry)
    info = DemoInfo()
    for slug in registry.slugs():
        scope = await system_scope(slug, principal="demo")
        customers, months = demo_size(slug, scale)
        if not await seeder.has_customers(scope):
            result = await seeder.seed_tenant(scope, customers=customers, months=months, seed=DEMO_SEED)
            info.seeded[slug] = (result.rows_written, result.seconds)
        for token in await token_service.list_tokens(scope):
            if token.name.startswith(DEMO_TOKEN_NAME) and token.revoked_at is None:
                await token_service.revoke_token(scope, token.name)
        name = f"{DEMO_TOKEN_NAME}-{clock.now():%Y%m%d-%H%M%S}"
        _, secret = await token_service.create_token(scope, name=name, role=StaffRole.ADMIN)
        info.tokens[slug] = secret
    return info
