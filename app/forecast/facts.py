"""The dated facts the pay-date model learns from, and what of them was known on a given day.

A fact is one invoice with the dates of what happened to it (issued, due, first settlement, settled,
first disputed) and the customer facts beside it (rating, utilisation, when promises to pay were made).
The database gathers them once, as of a date (``app.forecast.repository``); ``known_at`` then cuts them
to any earlier day without asking the database again, which is what lets a backtest train "as of T"
and score "by T+90+" from one read, and lets the synthetic portfolio stand in for the database in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


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
class Facts:
    """Every invoice fact of a tenant and its customers' facts, gathered as of ``as_of``."""

    as_of: date
    invoices: tuple[InvoiceFact, ...]
    customers: dict[int, CustomerFact] = field(default_factory=dict)

    def known_at(self, day: date) -> Facts:
        """What was known at the end of ``day``: invoices issued by then, with only the events by then."""
        return Facts(
            as_of=day,
            invoices=tuple(i.known_at(day) for i in self.invoices if i.issue_date <= day),
            customers={
                k: replace(c, promises_made=tuple(p for p in c.promises_made if p <= day))
                for k, c in self.customers.items()
            },
        )

    def customer(self, customer_id: int) -> CustomerFact:
        return self.customers.get(customer_id) or CustomerFact(customer_id)
