"""The two baselines every backtest reports beside the learned model, computed from the same facts.

- ``on_due``: "paid on the due date" (lateness 0);
- ``average_late``: the previous model (``app.invoices.prediction``): due + the customer's amount-weighted
  average days late over invoices settled in the 12 months to the history day (metrics.md), the
  portfolio's average for a customer without any, 0 when nobody has history.

Both are clamped like the model: not before the prediction day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from app.forecast.facts import Facts, InvoiceFact

WINDOW_DAYS = 365


class AverageLate:
    """Amount-weighted average days late per customer, as known on one history day."""

    def __init__(self, facts: Facts, history_at: date):
        start = history_at - timedelta(days=WINDOW_DAYS)
        weight: dict[int, float] = defaultdict(float)
        late: dict[int, float] = defaultdict(float)
        for f in facts.invoices:
            if f.settled_on is None or not start < f.settled_on <= history_at:
                continue
            weight[f.customer_id] += f.total
            late[f.customer_id] += f.total * max(0, (f.settled_on - f.due_date).days)
        self._by_customer = {k: late[k] / w for k, w in weight.items() if w}
        total = sum(weight.values())
        self._portfolio = sum(late.values()) / total if total else 0.0

    def days_late(self, inv: InvoiceFact, at: date) -> float:
        """Predicted lateness, clamped so the pay date is not before ``at``."""
        days = round(self._by_customer.get(inv.customer_id, self._portfolio))
        return float(max(days, (at - inv.due_date).days))


def on_due(inv: InvoiceFact, at: date) -> float:
    return float(max(0, (at - inv.due_date).days))
