"""Shared fixtures: a real database per backend, two tenants, an HTTP client on the app, SQL counting.

Database tests run once on SQLite and once on PostgreSQL when ``TEST_DATABASE_URL`` names a server (CI
sets it). Each run creates its own uniquely named database, migrates it with the committed migrations, and
drops it at the end; every test starts from empty tables. Under ``CI=true`` a missing PostgreSQL fails.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import OperationalError

from app.db import lifecycle, scratch
from app.db.sql import fetch_all
from app.receivables import settlement
from app.scope import Scope
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

ROOT = Path(__file__).resolve().parent.parent
# The OIDC provider mock, tenants pointed at it, and the ``browser`` client (sign-in tests); the live
# server and Chromium for Playwright tests; an SMTP server that keeps the app's email; localstripe and the
# tenants' Stripe keys (payment tests).
pytest_plugins = [
    "tests.oidc_fixtures",
    "tests.browser",
    "tests.console_browser",
    "tests.mailbox",
    "tests.stripe_fixtures",
    "tests.workers",
    "tests.webhook_receiver",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
# Where `make test` looks for PostgreSQL when TEST_DATABASE_URL is not set: the local server's default.
DEFAULT_POSTGRES_ADDRESS = ("127.0.0.1", 5432)
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def require_or_skip(reason: str) -> None:
    """Skip locally, fail in CI: CI provides every real part, so a skip there would hide a missing part.
    Local skips are listed at the end of the run with their reason (``pytest_terminal_summary``)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


def postgres_base_url() -> str | None:
    """``TEST_DATABASE_URL``, else the local server on the default address when one answers there."""
    if explicit := os.environ.get("TEST_DATABASE_URL"):
        return explicit
    try:
        with socket.create_connection(DEFAULT_POSTGRES_ADDRESS, timeout=1):
            return DEFAULT_POSTGRES_URL
    except OSError:
        return None


def pytest_collection_modifyitems(config, items) -> None:
    """``@pytest.mark.engine("sqlite")``: a test of one engine's own machinery runs on that engine only,
    deselected (not skipped) on the other, so a skip in the summary always means something is missing."""
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("engine")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if marker and "database_url" in params and params["database_url"] != marker.args[0]:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly what did not run and why, grouped by reason, so a skip is never silent."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.section("not run on this machine", sep="=", yellow=True, bold=True)
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.line(f"{count:>5} test(s): {reason}")


@pytest.fixture(scope="session")
async def _prepared_databases(tmp_path_factory) -> AsyncIterator[dict[str, tuple[str, str | None]]]:
    """Each backend's database, created and migrated once per test process and dropped at its end.

    ``database_url`` below is torn down whenever a worker moves between a SQLite and a PostgreSQL test
    (pytest groups a parametrised session fixture per file under ``--dist loadfile``, hundreds of times a
    run); creating and migrating a PostgreSQL database each time cost about 20 s a switch, most of the
    suite's time. Reopening a prepared one costs a connection."""
    prepared: dict[str, tuple[str, str | None]] = {}
    try:
        yield prepared
    finally:
        for url, admin_url in prepared.values():
            if admin_url:
                await scratch.drop_database(admin_url, url)


async def _prepare(backend: str, prepared: dict, tmp_path_factory) -> str:
    if backend not in prepared:
        if backend == "sqlite":
            url = f"sqlite://{tmp_path_factory.mktemp('db') / 'ledgerport.sqlite3'}"
            admin_url = None
        else:
            base = postgres_base_url()
            if not base:
                require_or_skip(
                    "no PostgreSQL server answers on 127.0.0.1:5432 and TEST_DATABASE_URL is not set "
                    "(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)"
                )
            url, admin_url = await scratch.create_database(base, "ledgerport_test")
        prepared[backend] = (url, admin_url)
        await lifecycle.apply_migrations(url)
    return prepared[backend][0]


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(request, _prepared_databases, tmp_path_factory) -> AsyncIterator[str]:
    """A migrated database of one backend, open while the tests of that backend run."""
    url = await _prepare(request.param, _prepared_databases, tmp_path_factory)
    try:
        await lifecycle.open_database(url)
        yield url
    finally:
        # Forget the models' per-dialect query builders and Tortoise's cached insert/update SQL (keyed by
        # connection name, not dialect): the next backend builds its own.
        await Tortoise._reset_apps()
        EXECUTOR_CACHE.clear()
        await lifecycle.close_database()


async def _empty_all_tables() -> None:
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps["models"].values()]
    if conn.capabilities.dialect == "postgres":
        # The queue engine's rows too: a wake-up left by one test must not run a job of the next.
        tables += ["pgqueuer", "pgqueuer_log"]
        await _empty_postgres_tables(conn, tables)
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys = ON;"
        )


async def _empty_postgres_tables(conn, tables: list[str]) -> None:
    """What ``TRUNCATE <all> RESTART IDENTITY CASCADE`` does, in ~5 ms rather than ~210 ms: a TRUNCATE
    makes new files for every table it names, and that was a seventh of the suite's time. The tables
    holding rows are deleted from with the foreign-key triggers off (one transaction, so in no order),
    and every sequence starts again at 1. A role that may not set ``session_replication_role`` (not a
    superuser) gets the TRUNCATE."""
    probe = " UNION ALL ".join(f"SELECT '{t}' AS t WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    full = [row["t"] for row in await conn.execute_query_dict(probe)]
    restart = (
        "SELECT setval(c.oid, 1, false) FROM pg_class c "
        "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace;"
    )
    deletes = "".join(f'DELETE FROM "{t}";' for t in full)
    try:
        await conn.execute_script(
            f"BEGIN; SET LOCAL session_replication_role = replica; {deletes} {restart} COMMIT;"
        )
    except OperationalError:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
async def db(database_url) -> AsyncIterator[str]:
    """An open database with empty tables; yields its URL.

    Afterwards, whatever the test wrote through whichever path, the maintained settlement sums
    (app.receivables.settlement) must still agree with the movements: a writer that forgot to refresh
    them fails the test that used it."""
    await _empty_all_tables()
    yield database_url
    drifted = [
        row
        for tenant in await fetch_all("SELECT id FROM tenant", {})
        for row in await settlement.drift(tenant["id"])
    ]
    assert not drifted, f"maintained settlement sums drifted from their movements: {drifted[:5]}"


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


class QueryCounter:
    """The SQL statements sent on the default connection while active (see ``count_queries``)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def count_queries(db, monkeypatch) -> QueryCounter:
    """Counts SQL statements by wrapping the default connection's execute methods (for N+1 tests)."""
    counter = QueryCounter()
    conn = connections.get("default")
    for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script"):
        original = getattr(conn, name)

        def wrap(original=original):
            async def counted(query, *args, **kwargs):
                counter.statements.append(str(query))
                return await original(query, *args, **kwargs)

            return counted

        monkeypatch.setattr(conn, name, wrap())
    return counter


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Captured output that any report consumer can carry: a generated document with a lone surrogate
    (the fuzz suite sends ``"\\ud800"``) comes back in GraphQL's syntax-error message, which the app
    logs; a report holding such a string cannot be encoded as UTF-8 (pytest-xdist, tried for running the
    suite on both cores, stopped the whole run on it). Escaped, it stays readable."""
    report = yield
    report.sections = [
        (title, text.encode("utf-8", "backslashreplace").decode("utf-8")) for title, text in report.sections
    ]
    return report


def pytest_sessionfinish(session, exitstatus) -> None:
    session.config._ledgerport_exitstatus = exitstatus


def pytest_unconfigure(config) -> None:
    """A test that leaves a non-daemon thread behind (an unclosed aiosqlite connection, a server) keeps the
    process from exiting: CI would wait out its whole time limit on a suite that already finished. Name the
    threads and exit non-zero instead."""
    import sys
    import threading

    def target(thread) -> str:
        function = getattr(thread, "_target", None)
        if function is None:  # a Thread subclass: its class says what it is
            return f"{type(thread).__module__}.{type(thread).__qualname__}"
        return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"

    # Executor workers are joined by the interpreter's own exit hooks: they never hang it.
    lingering = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread()
        and not t.daemon
        and not target(t).startswith("concurrent.futures")
    ]
    for thread in lingering:
        thread.join(timeout=5)
    lingering = [t for t in lingering if t.is_alive()]
    if lingering:
        names = ", ".join(f"{t.name} ({target(t)})" for t in lingering)
        sys.stderr.write(
            f"\nerror: tests left non-daemon threads running, which would hang the run: {names}\n"
        )
        sys.stderr.flush()
        status = getattr(config, "_ledgerport_exitstatus", 0)
        os._exit(int(status) or 3)
