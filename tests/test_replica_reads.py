"""Read replicas (issue 22, point 2) against a real PostgreSQL streaming replica on loopback.

Given a primary and a hot standby of it (tests/pg_replica.py), with replay paused on the standby, a
write on the primary is invisible to the dashboard's aggregates and exports (they read the replica) and
visible at once to the paths that must see the caller's own writes (they read the primary); once the
standby falls further behind than ``LEDGERPORT_REPLICA_MAX_LAG_SECONDS``, the aggregates read the
primary too and ``ledgerport_replica_primary_reads_total{reason="lag"}`` counts it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from app.db import lifecycle, replica
from app.ids import encode_id
from app.models.enums import StaffRole
from app.observability import metrics
from app.settings import Environment, Settings
from app.tenancy.service import sync_tenants, system_scope
from tests import builders
from tests.conftest import ROOT
from tests.helpers import gql, make_token
from tests.pg_replica import Pair, copy_schema, streaming_pair

MAX_LAG = 4.0

SUMMARY = 'query Tiles { arSummary(asOf: "2026-06-30") { totalOpen { amount } } }'
CUSTOMER = (
    'query One($id: ID!) { customer(id: $id, asOf: "2026-06-30") { balances { totalOpen { amount } } } }'
)


def _sample(name: str, labels: dict[str, str] | None = None) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels or {}) or 0.0


async def _caught_up(pair: Pair) -> None:
    """Wait until the standby has replayed everything the primary has written so far.

    The pair commits asynchronously (``synchronous_commit = off``, tests/pg_replica.py): a commit's
    record can still sit in the WAL buffers, behind ``pg_current_wal_lsn()`` (what was written out). The
    target is the insert position, which includes it; the WAL writer sends it within its delay. With
    the write position the standby caught up to a point before the last commit whenever nothing else
    wrote WAL meanwhile, and the summary read a replica without the invoice."""
    primary = await asyncpg.connect(pair.primary_url)
    standby = await asyncpg.connect(pair.replica_url)
    try:
        target = await primary.fetchval("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + 20
        while await standby.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", target) is not True:
            assert time.monotonic() < deadline, "the standby did not catch up"
            await asyncio.sleep(0.05)
    finally:
        await primary.close()
        await standby.close()


@pytest.fixture
async def replicated(db, database_url) -> AsyncIterator[tuple[Pair, Settings]]:
    """The app's database switched to a fresh primary with a streaming replica, and back afterwards."""
    with streaming_pair() as pair:
        copy_schema(database_url, pair.primary_url)
        settings = Settings(
            env=Environment.TEST,
            database_url=pair.primary_url,
            tenants_dir=ROOT / "tenants",
            database_replica_url=pair.replica_url,
            replica_max_lag_seconds=MAX_LAG,
            replica_lag_check_seconds=0,
        )
        await lifecycle.close_database()
        await Tortoise._reset_apps()
        EXECUTOR_CACHE.clear()
        try:
            await lifecycle.open_database(pair.primary_url, settings=settings)
            yield pair, settings
        finally:
            await lifecycle.close_database()
            await Tortoise._reset_apps()
            EXECUTOR_CACHE.clear()
            await lifecycle.open_database(database_url)


@pytest.mark.engine("postgres")
async def test_aggregates_read_the_replica_until_it_lags_and_own_writes_read_the_primary(
    replicated, registry
):
    pair, settings = replicated
    from app.web.app import create_app

    await sync_tenants(registry)
    scope = await system_scope("northwind")
    acme = await builders.customer(scope, "Acme")
    await builders.invoice(scope, acme, 100000, "2026-06-01", "2026-07-31")
    token = await make_token("northwind", StaffRole.ADMIN)
    app = create_app(settings, registry, manage_database=False)
    standby = await asyncpg.connect(pair.replica_url)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:

            async def total_open() -> str:
                body = (await gql(http, SUMMARY, token)).json()
                assert "errors" not in body, body
                return body["data"]["arSummary"]["totalOpen"]["amount"]

            async def customer_open() -> str:
                body = (await gql(http, CUSTOMER, token, {"id": encode_id("Customer", acme.id)})).json()
                assert "errors" not in body, body
                return body["data"]["customer"]["balances"]["totalOpen"]["amount"]

            await _caught_up(pair)
            served = _sample("ledgerport_replica_reads_total")
            assert await total_open() == "1000.00"
            assert _sample("ledgerport_replica_reads_total") == served + 1, "the summary read the replica"

            # Given replay paused just after a fresh commit (so the lag starts near zero) ...
            await builders.customer(scope, "Heartbeat")
            await _caught_up(pair)
            await standby.execute("SELECT pg_wal_replay_pause()")
            # ... when the caller adds an invoice on the primary:
            await builders.invoice(scope, acme, 50000, "2026-06-02", "2026-07-31", number="INV-NEW")

            # then the aggregate and the export still show the replica's figure ...
            assert await total_open() == "1000.00", "the dashboard aggregate reads the replica"
            export = await http.get(
                "/exports/invoices.csv",
                params={"asOf": "2026-06-30"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert export.status_code == 200, export.text
            assert "INV-NEW" not in export.text, "the export reads the replica"
            # ... while the read-your-write path (one customer) sees the new invoice at once.
            assert await customer_open() == "1500.00", "one customer's view reads the primary"
            lagged = _sample("ledgerport_replica_primary_reads_total", {"reason": "lag"})

            # When the standby falls further behind than the bound, the aggregate reads the primary:
            await asyncio.sleep(MAX_LAG + 0.5)
            assert await total_open() == "1500.00", "a lagging replica is skipped"
            assert _sample("ledgerport_replica_primary_reads_total", {"reason": "lag"}) == lagged + 1
            assert _sample("ledgerport_replica_lag_seconds") > MAX_LAG

            # And once replay resumes and catches up, the replica serves again, with the new figure.
            await standby.execute("SELECT pg_wal_replay_resume()")
            await _caught_up(pair)
            served = _sample("ledgerport_replica_reads_total")
            assert await total_open() == "1500.00"
            assert _sample("ledgerport_replica_reads_total") == served + 1
            assert _sample("ledgerport_replica_lag_seconds") <= MAX_LAG
    finally:
        await standby.close()


@pytest.mark.engine("postgres")
async def test_reads_inside_a_transaction_and_unmarked_reads_never_go_to_the_replica(replicated):
    from tortoise import connections
    from tortoise.transactions import in_transaction

    primary = connections.get("default")
    with replica.replica_reads():
        assert await replica.read_client() is not primary, "a marked read goes to the fresh replica"
        async with in_transaction():
            assert await replica.read_client() is connections.get("default") is not primary
    assert await replica.read_client() is primary, "an unmarked read goes to the primary"


def test_a_replica_needs_postgresql_on_both_sides():
    from app.errors import ConfigError

    env = {
        "LEDGERPORT_DATABASE_URL": "sqlite:///tmp/x.sqlite3",
        "LEDGERPORT_DATABASE_REPLICA_URL": "postgres://r/x",
    }
    with pytest.raises(ConfigError, match="not PostgreSQL"):
        Settings.from_env(env)
    env["LEDGERPORT_DATABASE_URL"] = "postgres://p/x"
    assert Settings.from_env(env).replica_max_lag_seconds == 5.0
    env["LEDGERPORT_REPLICA_MAX_LAG_SECONDS"] = "soon"
    with pytest.raises(ConfigError, match="LEDGERPORT_REPLICA_MAX_LAG_SECONDS"):
        Settings.from_env(env)
