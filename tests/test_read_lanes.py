"""Light queries do not queue behind portfolio-wide reads (app/db/lanes.py, app/db/*_engine.py).

A heavy read is held *inside* the database, not slept: on SQLite by a SQL function registered on the
heavy lane's connections that blocks until the test releases it, on PostgreSQL by an advisory lock
another session holds. While it is held, a light query must complete: ordering, not timing (the
``wait_for`` bounds only keep a broken build from hanging).
"""

from __future__ import annotations

import asyncio
import threading

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.db import lanes
from app.db.sqlite_engine import SqliteClient, reads_only
from app.models.enums import StaffRole
from tests.helpers import gql, make_token

GUARD = 60  # seconds: only so that a regression fails instead of hanging


class Gate:
    """A SQL function ``held()`` that blocks its connection's thread until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()

    def held(self) -> int:
        self.entered.set()
        self.released.wait(GUARD)
        return 1

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, GUARD), "the heavy read never started"


async def _install(gate: Gate, conns) -> None:
    for conn in conns:
        await conn.create_function("held", 0, gate.held)


def test_only_plain_reads_go_to_read_connections():
    assert reads_only("SELECT 1")
    assert reads_only("  select * from invoice")
    assert reads_only("WITH t AS (SELECT 1) SELECT * FROM t")
    assert not reads_only("WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t")
    assert not reads_only("INSERT INTO x VALUES (1)")
    assert not reads_only("UPDATE invoice SET settled = 0")
    assert not reads_only("PRAGMA foreign_keys = OFF")


@pytest.mark.engine("sqlite")
async def test_given_a_heavy_read_running_when_a_viewer_asks_for_its_tenant_then_it_is_answered(client):
    token = await make_token("northwind", StaffRole.VIEWER)
    heavy_pool = connections.get("default").read_pools[True]
    gate = Gate()
    await _install(gate, await heavy_pool.open())

    async def aggregate():
        with lanes.heavy():
            return await connections.get("default").execute_query_dict("SELECT held() AS x")

    running = asyncio.create_task(aggregate())
    try:
        await gate.wait_entered()

        response = await asyncio.wait_for(gql(client, "{ viewer { tenant { slug } role } }", token), GUARD)

        assert response.json()["data"]["viewer"] == {"tenant": {"slug": "northwind"}, "role": "viewer"}
        assert not running.done(), "the light query was answered while the aggregate still ran"
    finally:
        gate.released.set()
    assert await running == [{"x": 1}]


@pytest.mark.engine("sqlite")
async def test_with_one_connection_the_light_read_waits_for_the_heavy_one(db):
    """Why the pools exist: Tortoise's single connection serialises a light read behind a heavy one."""
    single = SqliteClient(db.removeprefix("sqlite://"), read_connections=0, connection_name="single")
    await single.create_connection(with_db=True)
    gate = Gate()
    await _install(gate, [single._connection])
    try:
        heavy = asyncio.create_task(single.execute_query_dict("SELECT held() AS x"))
        await gate.wait_entered()
        light = asyncio.create_task(single.execute_query_dict("SELECT 1 AS y"))
        await asyncio.sleep(0.05)  # give the light read every chance to run; it cannot

        assert not light.done()
        gate.released.set()
        assert await asyncio.wait_for(light, GUARD) == [{"y": 1}]
        assert heavy.done()
    finally:
        gate.released.set()
        await single.close()


@pytest.mark.engine("sqlite")
async def test_a_read_after_the_callers_own_write_sees_it(tenants):
    conn = connections.get("default")
    await conn.execute_query("UPDATE tenant SET name = 'Renamed' WHERE slug = 'northwind'")

    after_write = await conn.execute_query_dict("SELECT name FROM tenant WHERE slug = 'northwind'")
    async with in_transaction() as tx:
        await tx.execute_query("UPDATE tenant SET name = 'In a transaction' WHERE slug = 'northwind'")
        inside = await tx.execute_query_dict("SELECT name FROM tenant WHERE slug = 'northwind'")
        outside = await conn.execute_query_dict("SELECT name FROM tenant WHERE slug = 'northwind'")
    after_commit = await conn.execute_query_dict("SELECT name FROM tenant WHERE slug = 'northwind'")

    assert after_write == [{"name": "Renamed"}]
    assert inside == [{"name": "In a transaction"}]
    assert outside == [{"name": "Renamed"}], "a reader sees the last committed state, not a transaction's"
    assert after_commit == [{"name": "In a transaction"}]


@pytest.mark.engine("sqlite")
async def test_a_write_sent_to_a_read_connection_is_refused(db):
    light_pool = connections.get("default").read_pools[False]
    (reader, *_) = await light_pool.open()

    with pytest.raises(Exception, match="readonly"):
        await reader.execute("UPDATE tenant SET name = 'x'")


@pytest.mark.engine("sqlite")
async def test_every_sqlite_connection_reads_through_a_memory_map(db):
    """The writer and both read pools map the file (``DEFAULT_MMAP_SIZE``), so a portfolio aggregate's
    pages come from the OS page cache instead of a read() per page into each connection's small cache;
    a URL may still set its own size."""
    from app.db.sqlite_engine import DEFAULT_MMAP_SIZE

    client = connections.get("default")
    conns = [
        client._connection,
        *await client.read_pools[False].open(),
        *await client.read_pools[True].open(),
    ]
    sizes = [(await (await conn.execute("PRAGMA mmap_size")).fetchone())[0] for conn in conns]
    assert sizes == [DEFAULT_MMAP_SIZE] * len(conns) and len(conns) == 5

    own = SqliteClient(db.removeprefix("sqlite://"), read_connections=0, mmap_size=0, connection_name="own")
    await own.create_connection(with_db=True)
    try:
        assert await own.execute_query_dict("PRAGMA mmap_size") == [{"mmap_size": 0}]
    finally:
        await own.close()


async def _all_slots_taken(client) -> None:
    """Until every heavy slot is held by a statement (now waiting for the lock)."""
    while not client._heavy_slots.locked():  # noqa: ASYNC110 (the semaphore is the client's, no event)
        await asyncio.sleep(0.01)


@pytest.mark.engine("postgres")
async def test_on_postgres_heavy_reads_leave_connections_for_light_ones(db):
    client = connections.get("default")
    cap = client.heavy_connections
    assert cap < client.pool_maxsize
    holder = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
    await holder.execute("SELECT pg_advisory_lock(14004)")
    heavy: list[asyncio.Task] = []
    try:

        async def aggregate():
            with lanes.heavy():
                return await client.execute_query_dict("SELECT pg_advisory_xact_lock_shared(14004) AS x")

        heavy = [asyncio.create_task(aggregate()) for _ in range(cap + 2)]
        await asyncio.wait_for(_all_slots_taken(client), GUARD)

        light = await asyncio.wait_for(client.execute_query_dict("SELECT 1 AS y"), GUARD)

        assert light == [{"y": 1}]
        assert not any(task.done() for task in heavy)
    finally:
        await holder.execute("SELECT pg_advisory_unlock(14004)")
        await holder.close()
        await asyncio.wait_for(asyncio.gather(*heavy), GUARD)
