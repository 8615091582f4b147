"""Two lanes for reads, so a light query never queues behind a portfolio aggregate (issue 14).

A dashboard aggregate (``arSummary``, a breakdown, the trend, a customer list or worklist ordered by a
figure) reads the whole portfolio and takes seconds; a ``viewer``, one customer or one invoice takes
milliseconds. When both wait for the same few database connections, the small query waits for the
aggregate. So the services that read the whole portfolio run inside ``heavy()``, and the database
clients (``app.db.engines``) give the statements sent there connections of their own, capped:

- SQLite: a small pool of read-only connections for heavy reads beside the one for light reads, both
  beside the writer (WAL lets readers and the writer work at once);
- PostgreSQL: at most ``heavy_connections`` of the pool's connections at a time, the rest kept free
  for everything else.

The mark is a context variable, so it follows the request into the tasks it starts (``asyncio.gather``
copies the context) and ends with the block. Writes and reads inside a transaction are never routed:
they run on the transaction's connection, which sees its own writes.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_heavy: ContextVar[bool] = ContextVar("ledgerport_heavy_reads", default=False)


def is_heavy() -> bool:
    """Whether the statements sent now belong to a portfolio-wide read."""
    return _heavy.get()


@contextmanager
def heavy() -> Iterator[None]:
    """Mark the reads of the block (and of the tasks it starts) as portfolio-wide."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


def heavy_reads(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """``heavy()`` around a whole service function."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with heavy():
            return await fn(*args, **kwargs)

    return wrapper
