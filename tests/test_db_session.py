"""The database sessions the app opens are configured as docs/performance.md says."""

from __future__ import annotations

from tortoise import connections

from app.db.config import ENGINES, tortoise_config
from app.db.postgres_engine import DEFAULT_HEAVY_CONNECTIONS, DEFAULT_POOL_SIZE, AsyncpgClient
from app.db.sqlite_engine import SqliteClient


async def test_postgres_sessions_run_without_jit_and_sqlite_keeps_its_file(db):
    conn = connections.get("default")
    config = tortoise_config(db)["connections"]["default"]

    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict("SELECT current_setting('jit') AS jit")
        assert rows == [{"jit": "off"}]
        assert config["engine"] == ENGINES["postgres"]
    else:
        assert config["engine"] == ENGINES["sqlite"]
        assert config["credentials"]["file_path"] == db.removeprefix("sqlite://")


async def test_the_pool_and_read_connections_are_sized_as_documented(db):
    conn = connections.get("default")

    if conn.capabilities.dialect == "postgres":
        assert (conn.pool_maxsize, conn.heavy_connections) == (DEFAULT_POOL_SIZE, DEFAULT_HEAVY_CONNECTIONS)
        assert (DEFAULT_POOL_SIZE, DEFAULT_HEAVY_CONNECTIONS) == (10, 5)  # docs/limits.md
    else:
        assert {lane: pool.size for lane, pool in conn.read_pools.items()} == {False: 2, True: 2}
        rows = await conn.execute_query_dict("PRAGMA journal_mode")
        assert rows == [{"journal_mode": "wal"}]


def test_options_on_the_url_size_them_and_zero_read_connections_is_the_single_connection():
    sqlite = tortoise_config("sqlite:///tmp/x.sqlite3?read_connections=0")["connections"]["default"]
    postgres = tortoise_config("postgres://u@h:5432/d?maxsize=7&heavy_connections=3")["connections"][
        "default"
    ]

    single = SqliteClient(connection_name="single", **sqlite["credentials"])
    sized = AsyncpgClient(connection_name="sized", **postgres["credentials"])

    assert single.read_pools is None
    assert (sized.pool_maxsize, sized.heavy_connections) == (7, 3)
