"""Rate-limit counters shared by every server process of a PostgreSQL deployment without Redis.

Not tenant-owned: a key is a limiter's namespace plus what it counts (a client address, a credential's
hash, a tenant slug), hashed by ``limits``. One row per key and fixed window; a row whose window has
ended is reused by the next hit and swept by ``app.auth.ratelimit_store``.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateLimitCounter(Model):
    key = fields.CharField(max_length=255, primary_key=True)
    count = fields.IntField()
    #: When the window ends, in the system's epoch seconds (``limits`` measures windows that way).
    expires_at = fields.FloatField()

    class Meta:
        table = "rate_limit_counter"
