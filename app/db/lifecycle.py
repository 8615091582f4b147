"""Opening and closing the database for the server, the CLI and tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as tortoise_migrate

from app.db import replica
from app.db.config import ENGINES, tortoise_config

if TYPE_CHECKING:
    from app.settings import Settings


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


async def open_database(
    database_url: str, *, pool_size: int | None = None, settings: Settings | None = None
) -> None:
    """Initialise Tortoise for this process; the context is global so requests in any task see it.

    ``pool_size`` is for a job worker's PostgreSQL pool: a connection per job slot, and a released
    connection goes back without asyncpg's reset (``RESET ALL``, ``UNLISTEN *``, ...), a round trip after
    every query that a profile of a worker found among its largest costs. Nothing we run leaves session
    state behind: settings are per connection from the start, advisory locks are transaction-scoped.

    ``settings`` with a replica URL also opens the read replica (app/db/replica.py)."""
    _ensure_sqlite_dir(database_url)
    config = tortoise_config(database_url)
    connection = config["connections"]["default"]
    if pool_size and connection.get("engine") == ENGINES["postgres"]:
        # Only asyncpg's pool takes these; the SQLite client would send every credential as a PRAGMA.
        connection["credentials"].update(maxsize=pool_size, reset=_keep_session)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    if settings is not None and settings.database_replica_url:
        await replica.open_replica(
            settings.database_replica_url,
            max_lag_seconds=settings.replica_max_lag_seconds,
            lag_check_seconds=settings.replica_lag_check_seconds,
        )


async def _keep_session(connection) -> None:
    return None


async def close_database() -> None:
    await replica.close_replica()
    await Tortoise.close_connections()


async def apply_migrations(database_url: str) -> None:
    """Bring the schema up to the latest committed migration (what ``ledgerport migrate`` does), and on
    PostgreSQL install the queue engine's tables (app/jobs/engine.py)."""
    _ensure_sqlite_dir(database_url)
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()
    if database_url.startswith(("postgres://", "postgresql://")):
        from app.jobs import engine

        await engine.install(engine.asyncpg_dsn(database_url))


async def ping() -> None:
    """Raise if the database does not answer a trivial query (used by /healthz)."""
    await connections.get("default").execute_query("SELECT 1")


def dialect() -> str:
    """``postgres`` or ``sqlite``: the few queries that differ between engines branch on this."""
    return connections.get("default").capabilities.dialect
