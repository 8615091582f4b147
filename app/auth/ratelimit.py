"""In-process rate limits for sign-in and credential checks, per client address and tenant.

A sliding window of recent attempts per key: enough to blunt password-less brute forcing of tokens and
floods of sign-in redirects from one address. Limits are per process; a deployment with several workers
gets several times the allowance, which is still a bound.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    limit: int
    window_seconds: float
    _hits: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)

    def retry_after(self, *key: str, now: float | None = None) -> int:
        """Seconds until ``key`` may try again without counting an attempt; 0 when it may now."""
        now = time.monotonic() if now is None else now
        hits = [t for t in self._hits.get(key, ()) if t > now - self.window_seconds]
        return max(1, math.ceil(hits[0] + self.window_seconds - now)) if len(hits) >= self.limit else 0

    def hit(self, *key: str, now: float | None = None) -> int:
        """Count one attempt for ``key``; returns 0 when allowed, else seconds to wait (Retry-After)."""
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, math.ceil(hits[0] + self.window_seconds - now))
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window_seconds}
        return 0
