"""Reads that may come from a PostgreSQL streaming replica (``LEDGERPORT_DATABASE_REPLICA_URL``).

What goes there: only the reads a service marks with ``replica_reads`` (the dashboard aggregates, the
exports, the management pack): portfolio-wide figures where a few seconds of staleness is harmless and
the primary's cores are better spent on writes. Everything else reads the primary:

- every write, and every statement inside a transaction (Tortoise runs those on the transaction's own
  connection, so they never reach ``read_client``);
- every read that is not marked: a mutation's payload, one customer, one invoice, the portal's pages,
  so a caller always sees its own change where it looks for it;
- marked reads while the replica lags more than ``LEDGERPORT_REPLICA_MAX_LAG_SECONDS`` behind, or when
  it does not answer (``ledgerport_replica_primary_reads_total{reason}`` counts them,
  ``ledgerport_replica_lag_seconds`` holds the last measured lag).

The replica's client is ours, not a second Tortoise connection: with two connections registered,
every ``in_transaction()`` without a connection name (the whole code base) would have to name one,
and migrations could never be pointed at a read-only standby by mistake. It is the same engine class
as the primary's (JIT off, statement timings), on its own pool.

One marked read decides once, at its first statement, and all its statements (also those it runs at
the same time with ``asyncio.gather``) read the same side, so one summary never mixes two snapshots.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from app.db.config import ENGINES, connection_config
from app.observability import metrics

P = ParamSpec("P")
T = TypeVar("T")

#: Seconds since the standby replayed its last transaction while WAL waits to be replayed; 0 when it
#: has replayed everything it received (an idle primary is not lag).
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)"
    " END::float8 AS lag"
)


@dataclass
class _Replica:
    client: BaseDBAsyncClient
    max_lag: float
    check_every: float
    measured_at: float = float("-inf")
    lag: float | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _Decision:
    """One marked read's choice of side, shared by the tasks it starts (the context holds this object)."""

    task: asyncio.Task | None = None


_replica: _Replica | None = None
_marked: ContextVar[_Decision | None] = ContextVar("ledgerport_replica_reads", default=None)


async def open_replica(url: str, *, max_lag_seconds: float, lag_check_seconds: float) -> None:
    """Connect to the standby (PostgreSQL only; the primary's settings and engine apply)."""
    global _replica
    config = connection_config(url)
    if config.get("engine") != ENGINES["postgres"]:
        raise ValueError("LEDGERPORT_DATABASE_REPLICA_URL must be a PostgreSQL URL")
    module = __import__(config["engine"], fromlist=["client_class"])
    client = module.client_class(connection_name="replica", **config["credentials"])
    await client.create_connection(with_db=True)
    _replica = _Replica(client, float(max_lag_seconds), float(lag_check_seconds))


async def close_replica() -> None:
    global _replica
    if _replica is not None:
        replica, _replica = _replica, None
        await replica.client.close()


def configured() -> bool:
    return _replica is not None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the block's reads come from the replica (unless it lags; never inside a transaction). A
    marked read inside another (the pack's two summaries) joins the outer one's decision."""
    token = _marked.set(_marked.get() or _Decision())
    try:
        yield
    finally:
        _marked.reset(token)


async def stream(rows: AsyncIterator[T]) -> AsyncIterator[T]:
    """An export's pages, each read under one shared mark: the mark cannot simply be held across the
    ``yield`` of a streamed response, whose steps may run in other tasks' contexts."""
    decision = _Decision()
    while True:
        token = _marked.set(decision)
        try:
            item = await anext(rows)
        except StopAsyncIteration:
            return
        finally:
            _marked.reset(token)
        yield item


def replica_ok(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """``replica_reads()`` around a whole read-only service function."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with replica_reads():
            return await fn(*args, **kwargs)

    return wrapper


async def read_client() -> BaseDBAsyncClient:
    """The client for a repository's read now: the replica inside a marked read when it is fresh
    enough, the primary's (or the current transaction's) otherwise."""
    primary = connections.get("default")
    decision = _marked.get()
    if decision is None or _replica is None or isinstance(primary, TransactionalDBClient):
        return primary
    if decision.task is None:
        decision.task = asyncio.ensure_future(_choose(_replica))
    return _replica.client if await asyncio.shield(decision.task) else primary


async def _choose(replica: _Replica) -> bool:
    """True to read the replica; counts a read sent to the primary instead, with why."""
    lag = await measured_lag(replica)
    if lag is None:
        metrics.replica_primary_reads.labels("unavailable").inc()
        return False
    if lag > replica.max_lag:
        metrics.replica_primary_reads.labels("lag").inc()
        return False
    metrics.replica_reads.inc()
    return True


async def measured_lag(replica: _Replica | None = None) -> float | None:
    """The standby's lag in seconds, measured at most every ``lag_check_seconds``; None if it is down."""
    replica = replica or _replica
    if replica is None:
        return None
    async with replica.lock:
        now = time.monotonic()
        if now - replica.measured_at >= replica.check_every:
            replica.lag = await _ask_lag(replica.client)
            replica.measured_at = now
            if replica.lag is not None:
                metrics.replica_lag.set(replica.lag)
        return replica.lag


async def _ask_lag(client: BaseDBAsyncClient) -> float | None:
    try:
        rows: list[dict[str, Any]] = list(await asyncio.wait_for(client.execute_query_dict(LAG_SQL), 2.0))
    except Exception:  # down, restarting, or unreachable: the primary serves until it is back
        return None
    return float(rows[0]["lag"])
