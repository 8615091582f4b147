"""Setting up: the database schema, the tenant files, and staff API tokens."""

from __future__ import annotations

import asyncio

import click

from app.cli.base import fail, load, main, require_tenant, run_with_db
from app.db import lifecycle
from app.models.enums import StaffRole
from app.tenancy.service import sync_tenants, system_scope


@main.command()
def migrate() -> None:
    """Apply database migrations and sync tenant rows from tenants/*.toml."""
    settings, registry = load()
    try:
        asyncio.run(lifecycle.apply_migrations(settings.database_url))
    except Exception as exc:  # the driver's own message is the useful part
        fail(f"migration failed: {exc}")
    ids = run_with_db(settings, lambda: sync_tenants(registry))
    click.echo(f"database is up to date; tenants: {', '.join(sorted(ids))}")


@main.group()
def tenants() -> None:
    """Tenant configuration files."""


@tenants.command("check")
def tenants_check() -> None:
    """Validate every tenant file; exit 2 naming the file and field of the first bad one."""
    _, registry = load()
    for tenant_file in registry:
        c = tenant_file.config
        click.echo(f"ok  {c.slug:<16} {c.name} ({c.base_currency}, {c.timezone}) {tenant_file.path}")


@main.group()
def tokens() -> None:
    """Staff API tokens for machine clients."""


@tokens.command("create")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option("--name", required=True, help="a name to tell the token apart, unique per tenant")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None)
def tokens_create(tenant_slug: str, role: str, name: str, expires_in_days: int | None) -> None:
    """Create a token; the token itself is printed alone on the last line and never shown again."""
    from app.auth import tokens as token_service

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        return await token_service.create_token(
            scope, name=name, role=StaffRole(role), expires_in_days=expires_in_days
        )

    token, secret = run_with_db(settings, work)
    expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
    click.echo(f"created token {token.name!r} for {tenant_slug} with role {role}{expiry}", err=True)
    click.echo(secret)


@tokens.command("revoke")
@click.option("--tenant", "tenant_slug", required=True)
@click.option("--name", required=True)
def tokens_revoke(tenant_slug: str, name: str) -> None:
    """Revoke a token by name; requests with it get 401 within 10 s (servers cache a token check that long)."""
    from app.auth import tokens as token_service

    settings, _ = load()

    async def work():
        return await token_service.revoke_token(await system_scope(tenant_slug, principal="cli"), name)

    run_with_db(settings, work)
    click.echo(f"revoked token {name!r}")


@tokens.command("list")
@click.option("--tenant", "tenant_slug", required=True)
def tokens_list(tenant_slug: str) -> None:
    """List a tenant's tokens (names, roles, prefixes; never the secrets)."""
    from app.auth import tokens as token_service

    settings, _ = load()

    async def work():
        return await token_service.list_tokens(await system_scope(tenant_slug, principal="cli"))

    for t in run_with_db(settings, work):
        state = (
            "revoked"
            if t.revoked_at
            else ("expires " + f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "active")
        )
        click.echo(f"{t.name:<24} {t.role:<12} {t.prefix}…  {state}")
