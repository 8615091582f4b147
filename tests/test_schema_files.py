"""Committed artefacts that must match the code: the GraphQL SDL files and the migrations."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from app.db.config import tortoise_config
from schema.sdl import current_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_committed_sdl_matches_the_code():
    for name, text in current_sdl().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is stale: run `make sdl` and commit it"


async def test_models_and_committed_migrations_agree(database_url):
    """The fixture migrated this database with the committed migrations; nothing may be left to generate."""
    apps_config = tortoise_config(database_url)["apps"]

    writers = await MigrationAutodetector(Tortoise.apps, apps_config).changes()

    pending = [op for writer in writers for op in writer.operations]
    assert pending == [], f"models changed without a migration: run `make migrations` ({pending})"


async def test_migrations_created_every_model_table(db):
    from tortoise import connections

    conn = connections.get("default")
    for model in Tortoise.apps["models"].values():
        await conn.execute_query(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
