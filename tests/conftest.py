"""Shared fixtures: a real database per backend, two tenants, an HTTP client on the app, SQL counting.

Database tests run once on SQLite and once on PostgreSQL when ``TEST_DATABASE_URL`` names a server (CI
sets it). Each run creates its own uniquely named database, migrates it with the committed migrations, and
drops it at the end; every test starts from empty tables. Under ``CI=true`` a missing PostgreSQL fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from app.db import lifecycle
from app.scope import Scope
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

ROOT = Path(__file__).resolve().parent.parent
# The OIDC provider mock, tenants pointed at it, and the ``browser`` client (sign-in tests); the live
# server and Chromium for Playwright tests; localstripe and the tenants' Stripe keys (payment tests).
pytest_plugins = ["tests.oidc_fixtures", "tests.browser", "tests.stripe_fixtures"]
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_or_skip(reason: str) -> None:
    """Skip locally, fail in CI: CI provides every real part, so a skip there would hide a missing part."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


async def _create_pg_database(base_url: str) -> tuple[str, str]:
    import asyncpg

    parts = urlsplit(base_url.replace("postgresql://", "postgres://", 1))
    name = f"ledgerport_test_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", "")), admin_url


async def _drop_pg_database(admin_url: str, url: str) -> None:
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(request, tmp_path_factory) -> AsyncIterator[str]:
    """A freshly created and migrated database, open for the whole session of one backend."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'ledgerport.sqlite3'}"
        admin_url = None
    else:
        base = os.environ.get("TEST_DATABASE_URL")
        if not base:
            require_or_skip(
                "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/x)"
            )
        url, admin_url = await _create_pg_database(base)
    try:
        await lifecycle.apply_migrations(url)
        await lifecycle.open_database(url)
        yield url
    finally:
        # Forget the models' per-dialect query builders and Tortoise's cached insert/update SQL (keyed by
        # connection name, not dialect): the next backend builds its own.
        await Tortoise._reset_apps()
        EXECUTOR_CACHE.clear()
        await lifecycle.close_database()
        if admin_url:
            await _drop_pg_database(admin_url, url)


async def _empty_all_tables() -> None:
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps["models"].values()]
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys = ON;"
        )


@pytest.fixture
async def db(database_url) -> AsyncIterator[str]:
    """An open database with empty tables; yields its URL."""
    await _empty_all_tables()
    yield database_url


@pytest.fixture(scope="session")
def registry() -> TenantRegistry:
    return TenantRegistry.load(ROOT / "tenants")


@pytest.fixture
async def tenants(db, registry) -> dict[str, int]:
    """The two demo tenants' rows (northwind, cloudly): slug -> id."""
    return await sync_tenants(registry)


@pytest.fixture
async def scope_a(tenants) -> Scope:
    return await system_scope("northwind")


@pytest.fixture
async def scope_b(tenants) -> Scope:
    return await system_scope("cloudly")


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(env=Environment.TEST, database_url=database_url, tenants_dir=ROOT / "tenants")


@pytest.fixture
async def client(settings, registry, tenants) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the whole app, sharing the test database."""
    from app.web.app import create_app

    app = create_app(settings, registry, manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
