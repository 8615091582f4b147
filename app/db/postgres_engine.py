"""PostgreSQL (asyncpg) with a sized pool and a cap on portfolio-wide reads (a Tortoise engine).

Tortoise's asyncpg pool holds 5 connections by default, and one ``arSummary`` runs its five
independent statements at once (app.receivables.service): a single summary took the whole pool, and
every other request, a ``viewer`` included, waited for one of its statements to finish. Here:

- the pool holds ``maxsize`` connections (default ``DEFAULT_POOL_SIZE``, 10; ``?maxsize=`` in the
  URL sets another);
- statements of reads marked portfolio-wide (``app.db.lanes``) hold at most ``heavy_connections``
  (default ``DEFAULT_HEAVY_CONNECTIONS``, 5: one summary's statements at once) of them at a time;
  the others are always there for light queries, writes and transactions (``heavy_connections=0``
  lifts the cap, as before: for comparing in bench/mixed.py).

Why these numbers (docs/performance.md, docs/limits.md): more heavy statements at once than that do not
finish sooner on a server with a few cores, they only share them; a light query needs a connection for
a few milliseconds, so five cover many concurrent requests; and ten per process leaves room under
PostgreSQL's default ``max_connections`` (100) for several server and worker processes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    NestedTransactionContext,
    TransactionContext,
    TransactionContextPooled,
)

from app.db import after_commit, lanes, timing

DEFAULT_POOL_SIZE = 10
DEFAULT_HEAVY_CONNECTIONS = 5


class _Capped:
    """A pool connection taken only once one of the heavy lane's slots is free."""

    __slots__ = ("inner", "slots")

    def __init__(self, slots: asyncio.Semaphore, inner: Any) -> None:
        self.slots, self.inner = slots, inner

    async def __aenter__(self) -> Any:
        await self.slots.acquire()
        try:
            return await self.inner.__aenter__()
        except BaseException:
            self.slots.release()
            raise

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self.inner.__aexit__(*exc)
        finally:
            self.slots.release()


class AsyncpgClient(AsyncpgDBClient):
    """Tortoise's asyncpg client with the heavy lane capped."""

    def __init__(self, **kwargs: Any) -> None:
        heavy = int(kwargs.pop("heavy_connections", DEFAULT_HEAVY_CONNECTIONS))
        kwargs.setdefault("maxsize", DEFAULT_POOL_SIZE)
        super().__init__(**kwargs)
        self.heavy_connections = max(1, min(heavy, self.pool_maxsize - 1)) if heavy > 0 else 0
        self._heavy_slots = asyncio.Semaphore(self.heavy_connections or 1)

    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        """Tortoise's pool, each connection reporting its statements' times (app.db.timing)."""
        user_init = kwargs.pop("init", None)

        async def init(conn: asyncpg.Connection) -> None:
            conn.add_query_logger(timing.asyncpg_logger)
            if user_init is not None:
                await user_init(conn)

        return await super().create_pool(init=init, **kwargs)

    def acquire_connection(self):
        inner = super().acquire_connection()
        return _Capped(self._heavy_slots, inner) if self.heavy_connections and lanes.is_heavy() else inner

    def _in_transaction(self) -> TransactionContext:
        # Every transaction carries after-commit callbacks (app.db.after_commit).
        return after_commit.OuterTransaction(
            TransactionContextPooled(_TransactionWrapper(self), self._pool_init_lock)
        )


class _TransactionWrapper(TransactionWrapper):
    """Tortoise's asyncpg transaction, whose savepoints pass their after-commit callbacks up."""

    def _in_transaction(self) -> TransactionContext:
        return after_commit.NestedTransaction(NestedTransactionContext(_TransactionWrapper(self)), self)


client_class = AsyncpgClient
