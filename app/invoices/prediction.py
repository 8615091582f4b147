"""The previous pay-date predictor, kept as the fallback and baseline of the learned model (app/forecast):
a deliberately simple, explainable rule.

predicted = max(as-of date, due date + round(customer's amount-weighted average days late))

- "Average days late" is metrics.md's figure over invoices the customer settled in the 12 months to the
  as-of date. A customer with no settled invoice gets the tenant-wide average instead.
- confidence = n / (n + 5) for a customer with n settled invoices (more history, more confidence), and
  half the tenant-wide value when falling back to the tenant's average; 0 when nobody has history
  (then the prediction is simply the due date).
- It answers ``invoice.predictedPayDate`` while a tenant has too little history for the learned model,
  and ``app.forecast.baselines`` scores the same rule beside the model in the backtest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from app.customers.behaviour import BEHAVIOUR_WINDOW_DAYS, PaymentBehaviour, behaviour_of
from app.customers.filters import NO_FILTER, CustomerFilter
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
