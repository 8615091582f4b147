"""The database sessions the app opens are configured as docs/performance.md says."""

from __future__ import annotations

from tortoise import connections

from app.db.config import tortoise_config


async def test_postgres_sessions_run_without_jit_and_sqlite_keeps_its_url(db):
    conn = connections.get("default")

    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict("SELECT current_setting('jit') AS jit")
        assert rows == [{"jit": "off"}]
    else:
        assert tortoise_config(db)["connections"]["default"] == db
