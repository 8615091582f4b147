"""Rate limits on sign-in and on failed credentials, on the ``limits`` library (docs/limits.md).

A moving window of attempts per key. The storage is named by a ``limits`` storage URI: in-memory
(``async+memory://``) now, so limits are per process and a deployment with several workers gets several
times the allowance, which is still a bound; a later change can pass ``async+redis://...`` to share the
counts between processes without touching the callers. The async strategy is used so such a storage
never blocks the event loop.

Who is counted matters as much as how many: failed credentials are counted per presented credential
(a hash of it) and address, so one stale browser tab behind an office's NAT exhausts the allowance of
its own dead cookie only, and a colleague's valid credential from the same address is never refused.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

MEMORY = "async+memory://"


class RateLimiter:
    """At most ``limit`` attempts per ``window_seconds`` for each key (a tuple of strings)."""

    def __init__(self, limit: int, window_seconds: int, *, storage_uri: str = MEMORY, name: str = "") -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        # ``limit`` per ``window_seconds`` seconds; the namespace keeps limiters apart in a shared storage.
        self._item = RateLimitItemPerSecond(limit, window_seconds, namespace=name or "ledgerport")
        self._strategy = MovingWindowRateLimiter(storage_from_string(storage_uri))

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
