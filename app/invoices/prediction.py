"""Predicted pay date of an open invoice: a deliberately simple, explainable model.

predicted = max(as-of date, due date + round(customer's amount-weighted average days late))

- "Average days late" is metrics.md's figure over invoices the customer settled in the 12 months to the
  as-of date. A customer with no settled invoice gets the tenant-wide average instead.
- confidence = n / (n + 5) for a customer with n settled invoices (more history, more confidence), and
  half the tenant-wide value when falling back to the tenant's average; 0 when nobody has history
  (then the prediction is simply the due date).
- ``backtest`` measures the model: for every invoice settled in the hold-out window (the last
  ``holdout_days`` before the as-of date) it predicts from the history as of the window's start and
  reports the mean absolute error in days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from app.auth.permissions import require
from app.customers.behaviour import BEHAVIOUR_WINDOW_DAYS, PaymentBehaviour, behaviour_of
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.sql import as_date
from app.errors import ValidationFailed
from app.inputs.dates import shifted
from app.receivables import repository
from app.receivables.repository import GroupBy
from app.scope import Scope

#: The longest hold-out a backtest looks back over: ten years is more history than any tenant has, and a
#: bound keeps ``as_of - holdout`` a date (2147483647 days overflowed into a 500).
MAX_HOLDOUT_DAYS = 3660
HISTORY_PRIOR = 5


@dataclass(frozen=True)
class Prediction:
    pay_date: date
    confidence: Decimal
    basis: str  # "customer", "tenant" or "due_date"
    days_late: int


@dataclass(frozen=True)
class Model:
    """The behaviour the model predicts from: per customer and tenant-wide."""

    by_customer: dict[int, PaymentBehaviour]
    tenant: PaymentBehaviour

    def predict(self, customer_id: int, due: date, as_of: date) -> Prediction:
        own = self.by_customer.get(customer_id)
        if own is not None and own.settled_count:
            late, n, basis, scale = own.average_days_late, own.settled_count, "customer", Decimal(1)
        elif self.tenant.settled_count:
            late, n, basis, scale = (
                self.tenant.average_days_late,
                self.tenant.settled_count,
                "tenant",
                Decimal("0.5"),
            )
        else:
            return Prediction(max(as_of, due), Decimal(0), "due_date", 0)
        days = int((late or Decimal(0)).to_integral_value(rounding=ROUND_HALF_EVEN))
        confidence = (Decimal(n) / Decimal(n + HISTORY_PRIOR) * scale).quantize(Decimal("0.01"))
        # Clamped: a due date stored before dates were bounded (9999-12-31) plus the lateness overflowed.
        return Prediction(max(as_of, shifted(due, days)), confidence, basis, days)


async def model_as_of(scope: Scope, as_of: date, flt: CustomerFilter = NO_FILTER) -> Model:
    """Fit the model on the history up to ``as_of`` (two aggregate queries)."""
    window = as_of - timedelta(days=BEHAVIOUR_WINDOW_DAYS)
    per_customer = await repository.payment_behaviour(scope, flt, as_of, window, GroupBy.CUSTOMER)
    tenant = await repository.payment_behaviour(scope, NO_FILTER, as_of, window, GroupBy.NONE)
    return Model(
        by_customer={int(r["grp"]): behaviour_of(r) for r in per_customer},
        tenant=behaviour_of(tenant[0] if tenant else None),
    )


@dataclass(frozen=True)
class Backtest:
    sample_size: int
    mean_absolute_error_days: Decimal | None


async def backtest(scope: Scope, as_of: date, holdout_days: int = 90) -> Backtest:
    """Mean absolute error (days) of predictions made at the hold-out start for invoices settled since."""
    require(scope, "ar.read")
    if not 1 <= holdout_days <= MAX_HOLDOUT_DAYS:
        raise ValidationFailed(
            f"holdoutDays must be between 1 and {MAX_HOLDOUT_DAYS}", field="holdoutDays", code="out_of_range"
        )
    try:
        start = as_of - timedelta(days=holdout_days)
    except OverflowError:
        raise ValidationFailed(
            "asOf is too early for this hold-out", field="asOf", code="out_of_range"
        ) from None
    model = await model_as_of(scope, start)
    settled = await repository.settled_between(scope, NO_FILTER, as_of, start)
    if not settled:
        return Backtest(0, None)
    errors = []
    for row in settled:
        predicted = model.predict(row["customer_id"], as_date(row["due_date"]), start)
        errors.append(abs((as_date(row["settled_on"]) - predicted.pay_date).days))
    return Backtest(len(errors), Decimal(sum(errors)) / Decimal(len(errors)))
