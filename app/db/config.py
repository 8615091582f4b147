"""The Tortoise configuration, built from settings so every entry point (server, CLI, tests) agrees."""

from __future__ import annotations

from typing import Any

MODELS_MODULE = "app.models"
MIGRATIONS_MODULE = "app.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Tortoise config for one database URL (``sqlite://path`` or ``postgres://...``)."""
    return {
        "connections": {"default": _normalise_url(database_url)},
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


def _normalise_url(url: str) -> str:
    # asyncpg is the only PostgreSQL driver we ship; accept the common spellings of its URL.
    for prefix in ("postgresql+asyncpg://", "postgresql://", "asyncpg://"):
        if url.startswith(prefix):
            return "postgres://" + url[len(prefix) :]
    return url
