"""The Tortoise configuration, built from settings so every entry point (server, CLI, tests) agrees."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

MODELS_MODULE = "app.models"
MIGRATIONS_MODULE = "app.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Tortoise config for one database URL (``sqlite://path`` or ``postgres://...``)."""
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


#: Our engines: Tortoise's clients with read lanes, so light queries never queue behind aggregates
#: (app/db/lanes.py, docs/performance.md).
ENGINES = {"postgres": "app.db.postgres_engine", "sqlite": "app.db.sqlite_engine"}


def connection_config(url: str) -> dict[str, Any]:
    """The default connection, on our engines. On PostgreSQL, JIT compilation is switched off for our
    sessions: the dashboard's aggregate queries look expensive to the planner (correlated sub-selects),
    and compiling them took up to 1.8 s of a 2 s customers page while saving almost nothing
    (docs/performance.md)."""
    url = _normalise_url(url)
    config = expand_db_url(url)
    if url.startswith("postgres://"):
        config["engine"] = ENGINES["postgres"]
        config["credentials"].setdefault("server_settings", {})["jit"] = "off"
    elif url.startswith("sqlite://"):
        config["engine"] = ENGINES["sqlite"]
    return config


def _normalise_url(url: str) -> str:
    # asyncpg is the only PostgreSQL driver we ship; accept the common spellings of its URL.
    for prefix in ("postgresql+asyncpg://", "postgresql://", "asyncpg://"):
        if url.startswith(prefix):
            return "postgres://" + url[len(prefix) :]
    return url
