"""The dated facts the pay-date model learns from, and what of them was known on a given day.

A fact is one invoice with the dates of what happened to it (issued, due, first settlement, settled,
first disputed) and the customer facts beside it (rating, utilisation, when promises to pay were made),
and the tenant's whole portfolio as a dated series of settlements (``PortfolioSeries``): a prediction
gathers only the invoices of the customers it predicts for, so the portfolio's figures come from this
tenant-wide series, the same in training and in prediction whatever the filter.
The database gathers them once, as of a date (``app.forecast.repository``); ``known_at`` then cuts them
to any earlier day without asking the database again, which is what lets a backtest train "as of T"
and score "by T+90+" from one read, and lets the synthetic portfolio stand in for the database in tests.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    invoice_id: int
    customer_id: int
    currency: str
    total: int  # minor units
    issue_date: date
    due_date: date
    settled_on: date | None  # the day the open amount reached 0, None while open
    first_paid_on: date | None = None  # the first settlement movement (earlier than settled_on: partial)
    disputed_on: date | None = None  # the first dispute raised on it

    def known_at(self, day: date) -> InvoiceFact:
        """This invoice as it looked at the end of ``day`` (dates after it not yet happened)."""

        def upto(d: date | None) -> date | None:
            return d if d is not None and d <= day else None

        return replace(
            self,
            settled_on=upto(self.settled_on),
            first_paid_on=upto(self.first_paid_on),
            disputed_on=upto(self.disputed_on),
        )


@dataclass(frozen=True, slots=True)
class CustomerFact:
    customer_id: int
    rating: int = 2  # A..E as 0..4
    utilisation: float | None = None  # exposure / credit limit, None without a limit
    promises_made: tuple[date, ...] = ()  # the days promises to pay were recorded


@dataclass(frozen=True)
class SettledDay:
    """The tenant's invoices settled on one day: how many, their lateness summed, how many were late."""

    day: date
    count: int
    late_days: int
    late_count: int


class PortfolioSeries:
    """The tenant's settlements by day, cumulated so that any window's figures are two lookups."""

    def __init__(self, days: Iterable[SettledDay]):
        ordered = sorted(days, key=lambda d: d.day)
        self.days = tuple(ordered)
        self._ordinals = [d.day.toordinal() for d in ordered]
        self._count = [0, *accumulate(d.count for d in ordered)]
        self._late_days = [0, *accumulate(d.late_days for d in ordered)]
        self._late_count = [0, *accumulate(d.late_count for d in ordered)]

    @classmethod
    def from_invoices(cls, invoices: Iterable[InvoiceFact]) -> PortfolioSeries:
        """The series of these invoices' settlements (the repository reads the same series in SQL)."""
        by_day: dict[date, list[int]] = {}
        for f in invoices:
            if f.settled_on is not None:
                late = (f.settled_on - f.due_date).days
                tally = by_day.setdefault(f.settled_on, [0, 0, 0])
                tally[0] += 1
                tally[1] += late
                tally[2] += late > 0
        return cls(SettledDay(d, n, s, k) for d, (n, s, k) in by_day.items())

    def up_to(self, day: date) -> PortfolioSeries:
        return PortfolioSeries(d for d in self.days if d.day <= day)

    def window(self, end: int, days: int) -> tuple[int, int, int]:
        """(count, lateness sum, late count) of settlements in (end - days, end], ``end`` a day ordinal."""
        hi = bisect_right(self._ordinals, end)
        lo = bisect_right(self._ordinals, end - days)
        return (
            self._count[hi] - self._count[lo],
            self._late_days[hi] - self._late_days[lo],
            self._late_count[hi] - self._late_count[lo],
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortfolioSeries) and self.days == other.days


@dataclass(frozen=True)
class Facts:
    """Every invoice fact of a tenant (or of some of its customers) and its customers' facts, gathered
    as of ``as_of``; ``portfolio`` is the whole tenant's, or, when not given, these invoices' own."""

    as_of: date
    invoices: tuple[InvoiceFact, ...]
    customers: dict[int, CustomerFact] = field(default_factory=dict)
    portfolio: PortfolioSeries | None = None

    def known_at(self, day: date) -> Facts:
        """What was known at the end of ``day``: invoices issued by then, with only the events by then."""
        return Facts(
            as_of=day,
            invoices=tuple(i.known_at(day) for i in self.invoices if i.issue_date <= day),
            customers={
                k: replace(c, promises_made=tuple(p for p in c.promises_made if p <= day))
                for k, c in self.customers.items()
            },
            portfolio=None if self.portfolio is None else self.portfolio.up_to(day),
        )

    def portfolio_series(self) -> PortfolioSeries:
        return self.portfolio if self.portfolio is not None else PortfolioSeries.from_invoices(self.invoices)

    def customer(self, customer_id: int) -> CustomerFact:
        return self.customers.get(customer_id) or CustomerFact(customer_id)
