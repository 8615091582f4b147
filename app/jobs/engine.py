"""The PostgreSQL queue engine: pgqueuer, and the little that connects it to the ``job`` rows.

pgqueuer carries one small row per try of a job (payload: tenant and job id) and does what a queue
engine is for: workers claim rows with ``FOR UPDATE SKIP LOCKED``, LISTEN/NOTIFY wakes idle workers at
once, ``execute_after`` holds a retry until its backoff ends, and a row whose worker stops sending
heartbeats (killed, machine lost) is handed to another worker. The row is written on the very asyncpg
connection, inside the very transaction, that writes the job (``push``): a rolled-back change leaves
neither, a committed one both. Its tables are installed by ``install`` after our migrations; it keeps
them in its own version's shape (``pgq upgrade`` after a library upgrade).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import asyncpg
from pgqueuer import Queries
from pgqueuer.db import AsyncpgDriver
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

QUEUE_TABLES = ("pgqueuer", "pgqueuer_log")


@dataclass(frozen=True)
class Wake:
    """What one pgqueuer row asks a worker to do: try job ``job_id`` of tenant ``tenant``."""

    tenant: str
    job_id: int

    def encode(self) -> bytes:
        return json.dumps({"tenant": self.tenant, "job": self.job_id}).encode()

    @classmethod
    def decode(cls, payload: bytes | None) -> Wake:
        data = json.loads(payload or b"{}")
        return cls(str(data["tenant"]), int(data["job"]))


def _transaction_connection() -> asyncpg.Connection:
    conn = connections.get("default")
    if not isinstance(conn, TransactionalDBClient):
        raise RuntimeError("a job is pushed inside the transaction that writes it (in_transaction())")
    return conn._connection  # the asyncpg connection that transaction runs on


async def push(queue: str, wake: Wake, delay: timedelta | None = None) -> None:
    """Write the engine's row for one try, in the caller's open transaction."""
    queries = Queries(AsyncpgDriver(_transaction_connection()))
    await queries.enqueue(
        queue, wake.encode(), execute_after=delay if delay and delay > timedelta(0) else None
    )


async def push_many(rows: list[tuple[str, Wake]]) -> None:
    """Several tries in one round trip (the benchmark's enqueue), in the caller's transaction."""
    queries = Queries(AsyncpgDriver(_transaction_connection()))
    await queries.enqueue([queue for queue, _ in rows], [wake.encode() for _, wake in rows], [0] * len(rows))


async def install(dsn: str) -> None:
    """Create pgqueuer's tables, functions and triggers when this database has none yet."""
    conn = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        if not await queries.schema_is_installed():
            await queries.install()
    finally:
        await conn.close()


def asyncpg_dsn(database_url: str) -> str:
    """Our ``postgres://`` URL as asyncpg takes it."""
    return "postgresql://" + database_url.split("://", 1)[1]
