"""A ``limits`` storage on the application's database, for a PostgreSQL deployment without Redis.

Several server processes behind a load balancer must give the same answer to the same client: counts in
each process's memory would let N processes allow N times the limit. Redis (``LEDGERPORT_REDIS_URL``) is
the usual shared storage and ``limits`` ships it; without Redis the one thing every process shares is
the database, and ``limits`` has no SQL storage, so this is one: the fixed-window counter contract
(``incr`` with an expiry, ``get``, ``get_expiry``) in one upsert per hit, atomic on PostgreSQL and SQLite.
It plugs into the library's own ``FixedWindowRateLimiter``, so the strategy is still the library's.
"""

from __future__ import annotations

import random
import time

from limits.aio.storage import Storage

from app.db.sql import execute, fetch_all

#: Roughly one hit in this many also deletes windows that ended (a cheap, bounded sweep).
SWEEP_ONE_IN = 200

_INCR = """
INSERT INTO rate_limit_counter (key, count, expires_at) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_limit_counter.expires_at <= :now THEN excluded.count
                 ELSE rate_limit_counter.count + excluded.count END,
    expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN excluded.expires_at
                      ELSE rate_limit_counter.expires_at END
RETURNING count
"""


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["async+ledgerport-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return Exception

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()  # wall clock, as ``limits`` stamps its windows
        rows = await fetch_all(_INCR, {"key": key, "amount": amount, "expires": now + expiry, "now": now})
        if random.randrange(SWEEP_ONE_IN) == 0:
            await execute("DELETE FROM rate_limit_counter WHERE expires_at <= :now", {"now": now})
        return int(rows[0]["count"])

    async def get(self, key: str) -> int:
        rows = await fetch_all(
            "SELECT count FROM rate_limit_counter WHERE key = :key AND expires_at > :now",
            {"key": key, "now": time.time()},  # wall clock
        )
        return int(rows[0]["count"]) if rows else 0

    async def get_expiry(self, key: str) -> float:
        rows = await fetch_all(
            "SELECT expires_at FROM rate_limit_counter WHERE key = :key AND expires_at > :now",
            {"key": key, "now": time.time()},  # wall clock
        )
        return float(rows[0]["expires_at"]) if rows else time.time()  # wall clock

    async def check(self) -> bool:
        await fetch_all("SELECT 1 AS ok", {})
        return True

    async def reset(self) -> int | None:
        await execute("DELETE FROM rate_limit_counter", {})
        return None

    async def clear(self, key: str) -> None:
        await execute("DELETE FROM rate_limit_counter WHERE key = :key", {"key": key})
