"""The numbers behind leases, retries, schedule ticks and polling, from the environment.

Production keeps the defaults; tests shrink them (a lease of a second, a backoff of a tenth) so a crashed
worker or a retry plays out in seconds. A value that is not a positive number stops the process with the
variable's name, like every other setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.errors import ConfigError


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(f"{name}: expected a positive number of seconds, got {raw!r}")
    return value


@dataclass(frozen=True)
class Tuning:
    # A running job's claim lasts this long and is renewed at a third of it while the handler runs; a job
    # whose runner died is taken over once its claim has run out.
    lease_seconds: float = 15.0
    # Retry n waits about base * 2**(n-1) seconds (with jitter), never more than the cap.
    backoff_base_seconds: float = 10.0
    backoff_cap_seconds: float = 3600.0
    # How often each worker (and the SQLite server) looks whether a schedule's period has begun.
    tick_seconds: float = 30.0
    # How often the in-process runner (SQLite) looks for due jobs.
    poll_seconds: float = 1.0

    @classmethod
    def from_env(cls) -> Tuning:
        return cls(
            lease_seconds=_seconds("LEDGERPORT_JOB_LEASE_SECONDS", cls.lease_seconds),
            backoff_base_seconds=_seconds("LEDGERPORT_JOB_BACKOFF_SECONDS", cls.backoff_base_seconds),
            backoff_cap_seconds=_seconds("LEDGERPORT_JOB_BACKOFF_CAP_SECONDS", cls.backoff_cap_seconds),
            tick_seconds=_seconds("LEDGERPORT_SCHEDULE_TICK_SECONDS", cls.tick_seconds),
            poll_seconds=_seconds("LEDGERPORT_JOB_POLL_SECONDS", cls.poll_seconds),
        )

    @property
    def takeover_seconds(self) -> float:
        """When the queue engine hands a silent worker's job to another: after two leases."""
        return 2 * self.lease_seconds
