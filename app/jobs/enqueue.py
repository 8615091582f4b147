"""Putting a job in the queue, as part of the change that causes it.

``enqueue`` must be called inside the business change's transaction (``in_transaction()``): the job row
(and on PostgreSQL the engine's row, on the same connection) commits or rolls back with the change, so a
rolled-back change leaves no job and a committed one always has its job, even if the process dies the
moment after the commit. A second enqueue with the same kind and key is a no-op, also from a transaction
running at the same moment: that is how an email is queued once per (template, object, recipient, step)
and a schedule once per period, however many workers tick.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import clock
from app.jobs import engine, handlers, repository
from app.models.enums import JobState
from app.scope import Scope


class NotInTransaction(RuntimeError):
    """``enqueue`` was called outside a transaction: the job could outlive a rolled-back change."""


async def enqueue(
    scope: Scope,
    kind: str,
    key: str,
    args: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
) -> int | None:
    """Queue a job of ``kind`` for the scope's tenant; its id, or None when ``key`` was queued before."""
    handler = handlers.get(kind)  # an unknown kind fails here, in the request, not later in a worker
    conn = connections.get("default")
    if not isinstance(conn, TransactionalDBClient):
        raise NotInTransaction(f"enqueue({kind!r}) must run inside the transaction of the change")
    if await repository.exists(scope, kind, key):
        return None
    now = clock.now()
    try:
        # A savepoint: another transaction may queue the same key between our check and our insert
        # (on PostgreSQL the insert then waits for it and fails on the unique key). Only the insert is
        # undone, the caller's change goes on, and the job is queued once, as the key promises.
        async with in_transaction():
            job = await repository.insert(
                scope,
                kind=kind,
                queue=handler.queue,
                key=key[:300],
                args=args or {},
                state=JobState.QUEUED,
                max_attempts=handler.max_attempts,
                run_at=run_at or now,
                created_at=now,
            )
    except IntegrityError:
        return None
    if conn.capabilities.dialect == "postgres":
        await engine.push(handler.queue, engine.Wake(scope.tenant_slug, job.id), (run_at or now) - now)
    return job.id
