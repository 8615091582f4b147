"""How long SQL statements take, for ``ledgerport_db_query_duration_seconds`` and, when tracing is on,
a span per statement.

PostgreSQL: asyncpg's query logger on every pooled connection, so statements inside transactions count
too. SQLite: the client's own execute methods (``timed``), i.e. the statements outside transactions
(reads, mostly: the dashboard's); Tortoise runs a transaction's statements on its own wrapper class.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from app.observability import metrics, tracing

T = TypeVar("T")


def observe(engine: str, sql: str, seconds: float) -> None:
    kind = metrics.statement_kind(sql)
    metrics.db_query_duration.labels(engine, kind).observe(seconds)
    tracing.record_statement(kind, engine, time.time_ns() - int(seconds * 1e9), sql)


def timed(engine: str) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Wrap a client's ``execute_*(self, query, ...)`` method."""

    def wrap(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(method)
        async def run(self: Any, query: str, *args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return await method(self, query, *args, **kwargs)
            finally:
                observe(engine, str(query), time.perf_counter() - started)

        return run

    return wrap


def asyncpg_logger(record: Any) -> None:
    """asyncpg's ``add_query_logger`` callback: ``record.elapsed`` is the statement's time in seconds."""
    observe("postgres", str(record.query), float(record.elapsed or 0.0))
