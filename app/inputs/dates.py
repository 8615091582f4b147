"""Dates as they arrive: ISO ``YYYY-MM-DD`` in ASCII digits, from 1900-01-01 to 2199-12-31.

Python's ``date`` runs from year 1 to 9999, and the figures do arithmetic on the dates they are given:
an as-of date minus the period (``0001-01-01`` minus 90 days overflowed into a 500), an invoice due
9999-12-31 plus its expected lateness (its predicted pay date overflowed). Bounding every date that
comes in to a range no receivable leaves, with room on both sides for the arithmetic, makes every
such step safe: the periods, windows and predicted delays the API allows are all far shorter than
the 1,800 years left on either side.

``date.fromisoformat`` also reads week dates (``2026-W26-1``) and, since Python 3.11, compact forms
(``20260630``); the API documents one form and reads only that one.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from app.inputs.errors import invalid

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
#: The longest span the API adds to or takes from an accepted date (periods, trend months, the
#: backtest hold-out, a predicted delay): ten years; MIN_DATE - MAX_SPAN is still a valid date.
MAX_SPAN = timedelta(days=3660)

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(raw: object, field: str = "date") -> date:
    """``raw`` as a date within the range; codes ``invalid_date`` and ``date_out_of_range``."""
    if isinstance(raw, date):
        return check_date(raw, field)
    if not isinstance(raw, str) or ISO_DATE.fullmatch(raw) is None:
        shown = raw if isinstance(raw, str) else type(raw).__name__
        raise invalid(field, "invalid_date", f"{field} must be a date like 2026-06-30, got {_short(shown)!r}")
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise invalid(field, "invalid_date", f"{field}: {raw!r} is not a calendar date") from None
    return check_date(value, field)


def check_date(value: date, field: str = "date") -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise invalid(
            field,
            "date_out_of_range",
            f"{field} must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}, "
            f"got {value.isoformat()}",
        )
    return value


def in_range(value: date) -> bool:
    return MIN_DATE <= value <= MAX_DATE


def shifted(value: date, days: int) -> date:
    """``value`` plus ``days`` (negative: minus), clamped to what ``date`` can hold: for arithmetic on
    dates that were not all read here (a stored row, a model's estimate)."""
    try:
        return value + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the month's last day when that month is shorter
    (31 January + 1 month = 28 or 29 February): review intervals are counted in months."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
