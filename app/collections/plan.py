"""Which step a customer is at, which invoices its message is about, and what it charges: pure rules, no I/O.

An invoice's step is the last step of the policy whose offset (days from the due date) it has reached. It
is *due* that step unless it had it before (steps are kept per invoice and policy). A customer's message
is at the highest step any of its invoices is due, and lists every invoice due a step today, so a
customer gets one message however many invoices moved on. An invoice whose earlier steps passed while it
was paused or promised gets the step it has reached, not the ones it missed: the customer hears what is
true today, once.

Fees and interest (shown on the letter and in the email, per currency):
- interest of a line = open (undisputed) amount x rate / 100 x days past due / 365, rounded half-even to
  the currency's minor unit (statutory interest from the due date, simple, on a 365-day year);
- the fee is charged once per message and currency, in that currency (``fee = "40.00"``: 40.00 USD on a
  USD invoice, 40.00 EUR on a EUR one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.money import round_half_even, to_minor
from app.tenancy.dunning import DunningPolicy, DunningStep

DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice open as of the run's date, with what open disputes hold of it."""

    invoice_id: int
    customer_id: int
    number: str
    currency: str
    due_date: date
    open_amount: int
    disputed: int

    @property
    def dunnable(self) -> int:
        """What may be asked for: the open amount less what open disputes hold (never below 0)."""
        return max(0, self.open_amount - self.disputed)


@dataclass(frozen=True)
class Line:
    invoice_id: int
    number: str
    currency: str
    due_date: date
    days_past_due: int
    open_amount: int
    interest: int
    step_index: int


@dataclass(frozen=True)
class Total:
    currency: str
    open_amount: int
    fee: int
    interest: int

    @property
    def amount(self) -> int:
        return self.open_amount + self.fee + self.interest


@dataclass(frozen=True)
class Planned:
    customer_id: int
    policy: DunningPolicy
    step_index: int
    lines: list[Line]
    totals: list[Total] = field(default_factory=list)

    @property
    def step(self) -> DunningStep:
        return self.policy.steps[self.step_index]


@dataclass(frozen=True)
class Skip:
    customer_id: int
    reason: str
    detail: str


def reached_step(policy: DunningPolicy, days_past_due: int) -> int | None:
    """The index of the last step whose offset ``days_past_due`` has reached, or None before the first."""
    reached = None
    for index, step in enumerate(policy.steps):
        if step.offset_days <= days_past_due:
            reached = index
    return reached


def interest(open_amount: int, rate: Decimal, days_past_due: int) -> int:
    """Simple statutory interest in minor units: open x rate% x days / 365, rounded half-even."""
    if rate <= 0 or days_past_due <= 0 or open_amount <= 0:
        return 0
    return round_half_even(Decimal(open_amount) * rate / 100 * days_past_due / DAYS_IN_YEAR)


def plan_customer(
    customer_id: int,
    policy: DunningPolicy,
    invoices: list[OpenInvoice],
    had: set[tuple[int, int]],
    as_of: date,
) -> Planned | Skip | None:
    """The message ``customer_id`` is due today under ``policy``, a ``Skip`` saying why it gets none
    although something is past a step, or None when nothing has reached a step it has not had.

    ``invoices`` are its open invoices not held by a pause or a promise; ``had`` the (invoice id, step
    index) pairs of this policy it had before."""
    due: list[tuple[OpenInvoice, int, int]] = []
    for invoice in invoices:
        if invoice.dunnable <= 0:
            continue
        days = (as_of - invoice.due_date).days
        index = reached_step(policy, days)
        if index is not None and (invoice.invoice_id, index) not in had:
            due.append((invoice, index, days))
    if not due:
        return None
    top = max(index for _, index, _ in due)
    step = policy.steps[top]
    lines = [
        Line(
            invoice.invoice_id,
            invoice.number,
            invoice.currency,
            invoice.due_date,
            days,
            invoice.dunnable,
            interest(invoice.dunnable, step.interest_rate, days),
            index,
        )
        for invoice, index, days in sorted(due, key=lambda d: (d[0].due_date, d[0].number))
    ]
    totals = []
    for currency in sorted({line.currency for line in lines}):
        mine = [line for line in lines if line.currency == currency]
        totals.append(
            Total(
                currency,
                sum(line.open_amount for line in mine),
                to_minor(step.fee, currency) if step.fee else 0,
                sum(line.interest for line in mine),
            )
        )
    if not any(t.open_amount >= to_minor(step.minimum_overdue, t.currency) for t in totals):
        shown = ", ".join(f"{t.currency} {t.open_amount}" for t in totals)
        return Skip(
            customer_id,
            "below_minimum",
            f"step {step.name!r} needs at least {step.minimum_overdue} in one currency; the invoices due "
            f"it come to {shown} (minor units)",
        )
    return Planned(customer_id, policy, top, lines, totals)
