"""SQLite with read connections beside the writer (a Tortoise engine: ``client_class``).

Tortoise's SQLite client sends everything through one aiosqlite connection behind one lock, so a
multi-second aggregate held up every other query, a ``{ viewer { role } }`` included (437 ms at p50
under the issue's mixed load). This client keeps that connection as the **writer** (all writes, DDL,
every transaction and the reads inside one) and adds two pools of **read-only** connections for
reads outside a transaction (docs/performance.md, "Light queries under load"):

- ``read_connections`` (default 2) for light reads;
- ``heavy_read_connections`` (default 2) for reads marked portfolio-wide (``app.db.lanes``).

Reads go to a pool only when they are a ``SELECT`` (or a ``WITH`` that writes nothing); anything else
stays on the writer. The database is in WAL mode (Tortoise's default pragma, kept), where readers see
the last committed state and neither block nor are blocked by the writer. A read after the caller's
own write sees it: outside a transaction every write is committed before it returns, and inside one
the reads run on the transaction's connection. Read connections are opened with ``query_only``, so a
write sent to one by mistake fails loudly instead of bypassing the writer's lock.

``read_connections=0`` in the URL (``sqlite://file?read_connections=0``) restores the single
connection; an in-memory database always has it (another connection would see another database).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from tortoise.backends.base.client import NestedTransactionContext, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient as TortoiseSqliteClient
from tortoise.backends.sqlite.client import (
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)

from app.db import after_commit, lanes, timing

DEFAULT_READ_CONNECTIONS = 2
DEFAULT_HEAVY_READ_CONNECTIONS = 2
#: Pages read through a memory map of the file (the OS page cache, shared by every connection) instead
#: of a read() per page into each connection's 2 MB cache: a portfolio aggregate's pages are read once
#: by the OS, not copied per connection (docs/performance.md, "Console": the trend's settlements 350 -> 250 ms).
DEFAULT_MMAP_SIZE = 1 << 30

_READ = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


def reads_only(query: str) -> bool:
    """Whether ``query`` only reads: a SELECT, or a WITH without a writing keyword anywhere."""
    match = _READ.match(query)
    if match is None:
        return False
    return match.group(1).upper() == "SELECT" or _WRITE.search(query) is None


class ReadPool:
    """``size`` read-only connections to one file, opened on first use, lent one statement at a time."""

    def __init__(self, filename: str, size: int, pragmas: dict[str, Any]) -> None:
        self.filename, self.size = filename, size
        # The writer's pragmas that matter to a reader; journal_mode is the file's, set by the writer.
        self.pragmas = {k: v for k, v in pragmas.items() if k not in ("journal_mode", "journal_size_limit")}
        self._free: asyncio.Queue[aiosqlite.Connection] | None = None
        self._all: list[aiosqlite.Connection] = []
        self._opening = asyncio.Lock()

    async def open(self) -> list[aiosqlite.Connection]:
        """Open the connections now (else on first use); returns them (tests register functions)."""
        await self._queue()
        return list(self._all)

    async def _queue(self) -> asyncio.Queue[aiosqlite.Connection]:
        async with self._opening:
            if self._free is None:
                free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
                for _ in range(self.size):
                    conn = await aiosqlite.connect(self.filename, isolation_level=None)
                    conn._conn.row_factory = sqlite3.Row
                    for pragma, value in {**self.pragmas, "query_only": "ON"}.items():
                        await (await conn.execute(f"PRAGMA {pragma}={value}")).close()
                    self._all.append(conn)
                    free.put_nowait(conn)
                self._free = free
        return self._free

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        free = self._free or await self._queue()
        conn = await free.get()
        try:
            yield conn
        finally:
            free.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
        self._all, self._free = [], None


class SqliteClient(TortoiseSqliteClient):
    """Tortoise's SQLite client with its reads outside transactions sent to read connections."""

    def __init__(self, file_path: str, **kwargs: Any) -> None:
        light = int(kwargs.pop("read_connections", DEFAULT_READ_CONNECTIONS))
        heavy = int(kwargs.pop("heavy_read_connections", DEFAULT_HEAVY_READ_CONNECTIONS))
        kwargs.setdefault("mmap_size", DEFAULT_MMAP_SIZE)
        super().__init__(file_path, **kwargs)
        in_memory = file_path == ":memory:" or "mode=memory" in file_path
        self.read_pools: dict[bool, ReadPool] | None = None
        if light > 0 and not in_memory:
            self.read_pools = {
                False: ReadPool(file_path, light, self.pragmas),
                True: ReadPool(file_path, max(heavy, 1), self.pragmas),
            }

    def _reader(self, query: str) -> ReadPool | None:
        if self.read_pools is None or not reads_only(query):
            return None
        return self.read_pools[lanes.is_heavy()]

    async def _read(self, pool: ReadPool, query: str, values: list | None) -> list[sqlite3.Row]:
        async with pool.connection() as conn:
            self.log.debug("%s: %s", query, values)
            return await conn.execute_fetchall(query.replace("\x00", "'||CHAR(0)||'"), values)

    @timing.timed("sqlite")
    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, Sequence[dict]]:
        pool = self._reader(query)
        if pool is None:
            return await super().execute_query(query, values)
        rows = await self._read(pool, query, values)
        return len(rows), rows

    @timing.timed("sqlite")
    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        pool = self._reader(query)
        if pool is None:
            return await super().execute_query_dict(query, values)
        return list(map(dict, await self._read(pool, query, values)))

    @timing.timed("sqlite")
    async def execute_insert(self, query: str, values: list) -> int:
        return await super().execute_insert(query, values)

    @timing.timed("sqlite")
    async def execute_many(self, query: str, values: list[list]) -> None:
        return await super().execute_many(query, values)

    def _in_transaction(self) -> TransactionContext:
        # Every transaction carries after-commit callbacks (app.db.after_commit).
        return after_commit.OuterTransaction(SqliteTransactionContext(_TransactionWrapper(self), self._lock))

    async def close(self) -> None:
        if self.read_pools is not None:
            for pool in self.read_pools.values():
                await pool.close()
        await super().close()


class _TransactionWrapper(SqliteTransactionWrapper):
    """Tortoise's transaction on SQLite, whose savepoints pass their after-commit callbacks up."""

    def _in_transaction(self) -> TransactionContext:
        return after_commit.NestedTransaction(NestedTransactionContext(_TransactionWrapper(self)), self)


client_class = SqliteClient
