"""DSO, countback DSO, best possible DSO, ADD and CEI: the formulas of metrics.md on base-currency minor
units, in Decimal, unrounded (the API rounds; see docs/metrics-implementation.md)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal

# Countback looks back at most this many calendar months; AR not explained by them adds no more days.
COUNTBACK_MONTHS = 24


def dso(ar: int, sales: int, period_days: int) -> Decimal | None:
    """AR(D) / credit sales(P) x P; None when there were no sales (never infinity)."""
    if sales <= 0:
        return None
    return Decimal(ar) / Decimal(sales) * period_days


def best_possible_dso(current: int, sales: int, period_days: int) -> Decimal | None:
    """Current (not yet due) open amount / credit sales(P) x P."""
    return dso(current, sales, period_days)


def average_days_delinquent(dso_value: Decimal | None, bpdso: Decimal | None) -> Decimal | None:
    if dso_value is None or bpdso is None:
        return None
    return dso_value - bpdso


def cei(ar_start: int, sales: int, ar_end: int, current_end: int) -> Decimal | None:
    """(AR(D-P) + sales - AR(D)) / (AR(D-P) + sales - current AR(D)) x 100; None when the divisor is 0."""
    divisor = ar_start + sales - current_end
    if divisor == 0:
        return None
    return Decimal(ar_start + sales - ar_end) / Decimal(divisor) * 100


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(as_of: date, count: int = COUNTBACK_MONTHS) -> list[tuple[str, int]]:
    """(month key, days counted) from the month of ``as_of`` backwards; the current month counts the
    days up to ``as_of``, earlier months all their days."""
    out = [(month_key(as_of), as_of.day)]
    year, month = as_of.year, as_of.month
    for _ in range(count - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append((f"{year:04d}-{month:02d}", calendar.monthrange(year, month)[1]))
    return out


def first_countback_day(as_of: date, count: int = COUNTBACK_MONTHS) -> date:
    key = months_back(as_of, count)[-1][0]
    return date(int(key[:4]), int(key[5:]), 1)


def countback_dso(ar: int, as_of: date, sales_of_month: Callable[[str], int]) -> Decimal | None:
    """Walk back month by month: while the AR left covers the month's sales, subtract them and add the
    month's days; at the first month whose sales exceed what is left, add left / sales x its days."""
    if ar <= 0:
        return Decimal(0) if ar == 0 else None
    left = Decimal(ar)
    days = Decimal(0)
    for key, month_days in months_back(as_of):
        sales = Decimal(sales_of_month(key))
        if left >= sales:
            left -= sales
            days += month_days
            if left == 0:
                break
        else:
            days += left / sales * month_days
            break
    return days
