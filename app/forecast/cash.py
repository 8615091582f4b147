"""The cash forecast: expected collections per week from the pay-date model's predictions.

For every invoice open at the as-of date, what is expected in is its open amount minus what open disputes
hold of it (held out of collection until decided, as in dunning). Its pay date is uncertain: the model's
10%, 50% and 90% quantiles are joined into a piecewise-linear distribution (0 a quantile gap before the
10% point, 1 a gap after the 90% one), clipped to after the as-of date. An open promise to pay shifts that
distribution so its median falls on the promised day. Each week then expects the sum of amount x the
probability of being paid that week; its band is that +- 1.2816 standard deviations of independent
payments (a 10%-90% band, matching the quantiles). Invoices past the last week are "later".

The sums are over model outputs (probabilities per invoice), which SQL does not have: they are added in
Python. What the database sums (open amounts, disputes held) comes from SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

Z_80 = 1.2816  # the standard normal's 90% point: a 10%-90% band


@dataclass(frozen=True)
class Expected:
    """One invoice's amount due in, and its pay date's quantiles as day offsets from the as-of date."""

    currency: str
    amount: int
    low: float
    mid: float
    high: float


@dataclass
class WeekTotals:
    expected: float = 0.0
    variance: float = 0.0

    def band(self) -> tuple[int, int, int]:
        spread = Z_80 * math.sqrt(self.variance)
        return max(0, round(self.expected - spread)), round(self.expected), round(self.expected + spread)


@dataclass
class Weeks:
    """Per currency, per week (and one more: later), expected sums and variances."""

    weeks: int
    by_currency: dict[str, list[WeekTotals]] = field(default_factory=dict)


def cdf(days: np.ndarray, low: float, mid: float, high: float) -> np.ndarray:
    """P(paid on or before ``days``) for the piecewise-linear distribution through the three quantiles."""
    below = max(mid - low, 1.0)
    above = max(high - mid, 1.0)
    knots = [low - below, low, mid, high, high + above]
    knots = list(np.maximum.accumulate(np.array(knots) + np.arange(5) * 1e-6))
    return np.interp(days, knots, [0.0, 0.1, 0.5, 0.9, 1.0])


def shifted(e: Expected, promised_offset: int | None) -> Expected:
    """The distribution moved so its median is the promised day (the spread is kept)."""
    if promised_offset is None:
        return e
    delta = promised_offset - e.mid
    return Expected(e.currency, e.amount, e.low + delta, e.mid + delta, e.high + delta)


def spread(items: list[Expected], weeks: int) -> Weeks:
    """Expected amount and variance per week (days 1-7 after the as-of date are week 1) and 'later'."""
    out = Weeks(weeks)
    edges = np.arange(0, 7 * weeks + 1, 7, dtype=float)  # end of day 0 (as-of), 7, 14, ...
    for e in items:
        if e.amount <= 0:
            continue
        totals = out.by_currency.setdefault(e.currency, [WeekTotals() for _ in range(weeks + 1)])
        # Nothing open at the as-of date is paid on or before it: what the curve puts there moves to day 1.
        c = cdf(edges, e.low, e.mid, e.high)
        c[0] = 0.0
        probabilities = [*np.diff(c), 1.0 - c[-1]]
        for week, p in enumerate(probabilities):
            totals[week].expected += e.amount * p
            totals[week].variance += e.amount * e.amount * p * (1 - p)
    return out


def week_starts(as_of: date, weeks: int) -> list[tuple[date, date]]:
    return [(as_of + timedelta(days=7 * w + 1), as_of + timedelta(days=7 * w + 7)) for w in range(weeks)]
