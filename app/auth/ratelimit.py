"""Rate limits on sign-in and on failed credentials, on the ``limits`` library (docs/limits.md).

Where the counts live decides whether several server processes agree (``shared``): with
``LEDGERPORT_REDIS_URL``, in Redis (the library's storage, moving window); on PostgreSQL without Redis, in
the database (``app.auth.ratelimit_store``, the library's fixed-window strategy); on SQLite, whose
deployment is one process, in memory (moving window). The async strategies never block the event loop.

Who is counted matters as much as how many: failed credentials are counted per presented credential
(a hash of it) and address, so one stale browser tab behind an office's NAT exhausts the allowance of
its own dead cookie only, and a colleague's valid credential from the same address is never refused.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from limits.aio.strategies import RateLimiter as Strategy
from limits.storage import storage_from_string

from app.auth.ratelimit_store import DatabaseStorage

MEMORY = "async+memory://"


class RateLimiter:
    """At most ``limit`` attempts per ``window_seconds`` for each key (a tuple of strings)."""

    def __init__(
        self,
        limit: int,
        window_seconds: int,
        *,
        storage_uri: str = MEMORY,
        name: str = "",
        storage: Storage | None = None,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        # ``limit`` per ``window_seconds`` seconds; the namespace keeps limiters apart in a shared storage.
        self._item = RateLimitItemPerSecond(limit, window_seconds, namespace=name or "ledgerport")
        if storage is None:
            storage = storage_from_string(storage_uri, **_options(storage_uri))
        self.storage = storage
        # The database storage keeps fixed windows (one row per key); the others a moving window.
        kind = FixedWindowRateLimiter if isinstance(storage, DatabaseStorage) else MovingWindowRateLimiter
        self._strategy: Strategy = kind(storage)

    async def retry_after(self, *key: str) -> int:
        """Seconds until ``key`` may try again, without counting an attempt; 0 when it may now."""
        if await self._strategy.test(self._item, *key):
            return 0
        return await self._wait(key)

    async def hit(self, *key: str) -> int:
        """Count one attempt for ``key``: 0 when it was allowed, else seconds to wait (Retry-After)."""
        if await self._strategy.hit(self._item, *key):
            return 0
        return await self._wait(key)

    async def _wait(self, key: tuple[str, ...]) -> int:
        stats = await self._strategy.get_window_stats(self._item, *key)
        # ``limits`` stamps its windows with the system's seconds, so the wait is measured the same way.
        return max(1, math.ceil(stats.reset_time - time.time()))  # wall clock


def _options(uri: str) -> dict:
    # redis-py, not the library's default coredis: redis-py is the client this build installs.
    return {"implementation": "redispy"} if uri.startswith("async+redis") else {}


def shared(
    limit: int, window_seconds: int, *, name: str, redis_url: str | None, database_url: str
) -> RateLimiter:
    """A limiter whose counts every server process of the deployment shares (module docstring)."""
    if redis_url:
        return RateLimiter(limit, window_seconds, name=name, storage_uri="async+" + redis_url)
    if database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return RateLimiter(limit, window_seconds, name=name, storage=DatabaseStorage())
    return RateLimiter(limit, window_seconds, name=name)
