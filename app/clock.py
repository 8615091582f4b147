"""The one place Ledgerport reads the time from.

Business dates are dates in the tenant's time zone and timestamps are UTC (architecture.md); both come
from ``now()`` here, so a test (or a demo rehearsing a month end) can set the clock for everything at
once: ``with clock.frozen(datetime(2028, 2, 29, 23, 30, tzinfo=UTC)): ...`` in-process, or
``LEDGERPORT_NOW=2028-02-29T23:30:00Z`` for a whole process, whose clock then starts at that moment
(refused in production by the settings). ``LEDGERPORT_CLOCK_RATE=60`` makes such a clock run sixty times
faster, counted from the UNIX time ``LEDGERPORT_CLOCK_SINCE`` (default: the process's first reading), so
several processes share one fast timeline: how the job tests live through five minutes of schedules in
five seconds with real worker processes.
A test lint (tests/test_clock.py) fails when code outside this module asks the system for the time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

ENV_VAR = "LEDGERPORT_NOW"
RATE_VAR = "LEDGERPORT_CLOCK_RATE"
SINCE_VAR = "LEDGERPORT_CLOCK_SINCE"

_frozen: datetime | None = None


def parse_moment(raw: str) -> datetime:
    """An ISO 8601 moment; a date alone means its noon UTC (the same date in every time zone but the
    farthest ones), a moment without an offset means UTC."""
    text = raw.strip()
    try:
        if len(text) == 10:
            moment = datetime.fromisoformat(text).replace(hour=12)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{ENV_VAR}: expected an ISO 8601 date or date-time, got {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@lru_cache(maxsize=1)
def _offset_from_env(raw: str) -> timedelta:
    """How far the process's clock is moved: it starts at the moment named and then runs as usual, so
    sessions still expire and timestamps still order."""
    return parse_moment(raw) - datetime.now(UTC)


def parse_rate(raw: str) -> float:
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 10_000:
        raise ValueError(f"{RATE_VAR}: expected a speed-up factor between 0 and 10000, got {raw!r}")
    return rate


@lru_cache(maxsize=1)
def _fast_clock(raw: str, rate: str, since: str) -> tuple[datetime, datetime, float]:
    """(moment named, wall moment it corresponds to, rate) of a clock that runs faster than real time."""
    start = datetime.fromtimestamp(float(since), UTC) if since else datetime.now(UTC)
    return parse_moment(raw), start, parse_rate(rate)


def now() -> datetime:
    """The current moment, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    raw = os.environ.get(ENV_VAR)
    if raw:
        rate = os.environ.get(RATE_VAR)
        if rate:
            moment, start, factor = _fast_clock(raw, rate, os.environ.get(SINCE_VAR, ""))
            return moment + (datetime.now(UTC) - start) * factor
        return datetime.now(UTC) + _offset_from_env(raw)
    return datetime.now(UTC)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def today_in(timezone: str) -> date:
    """Today's date in a time zone (a tenant's business day)."""
    return now().astimezone(_zone(timezone)).date()


@contextmanager
def frozen(moment: datetime) -> Iterator[datetime]:
    """Set the clock for the duration of the block (tests)."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous
