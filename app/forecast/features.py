"""Features of one invoice at one moment: what a collector would look at before guessing a pay date.

Each row describes an invoice at a day ``at`` (the day of the prediction) from history known by
``history_at`` (the training or forecast date; the same day except in a backtest, where invoices issued
after the split are predicted from what was known at the split). Lateness is days after due (settled -
due, negative when early). Missing history is NaN, which the gradient-boosted trees route on their own,
so a new customer is not mistaken for a punctual one.

The portfolio's features (how late the whole tenant's invoices settled in the 90 days to the history
day) come from the tenant-wide settlement series in the facts (``Facts.portfolio``), never from the
invoices a prediction happens to gather (a page of invoices, a filtered forecast): computed over those,
they would differ between training and prediction. They carry what moves every customer at once (a
season, a slowing economy), which no one customer's history shows as early.
"""

from __future__ import annotations

import calendar
import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from app.forecast.facts import Facts, InvoiceFact

#: Lateness classes (days after due): on time, 1-30, 31-60, 61-90, more than 90.
CLASSES = ("on_time", "1_30", "31_60", "61_90", "over_90")
#: How many of a customer's latest settled invoices the history statistics look at.
RECENT = 12

FEATURES = (
    "amount_log",
    "amount_vs_usual",
    "terms_days",
    "issue_weekday",
    "due_weekday",
    "due_month",
    "due_month_end",
    "age_days",
    "disputed",
    "partly_paid",
    "history_count",
    "late_mean",
    "late_std",
    "late_last",
    "late_last3",
    "late_trend",
    "late_max",
    "late_same_month",
    "share_late",
    "share_partial",
    "share_disputed",
    "open_past_due",
    "open_max_overdue",
    "promises_90d",
    "rating",
    "utilisation",
    "portfolio_late_mean",
    "portfolio_share_late",
)
#: The portfolio features' window: settlements in the last this many days to the history day.
PORTFOLIO_WINDOW = 90
NAN = math.nan


def lateness_class(days_late: float) -> int:
    """Index into CLASSES of a lateness in days (0 or less is on time, 90 is still 61-90)."""
    if days_late <= 0:
        return 0
    if days_late <= 30:
        return 1
    if days_late <= 60:
        return 2
    if days_late <= 90:
        return 3
    return 4


@dataclass
class _Customer:
    """One customer's invoices, in the orders the history lookups need (day ordinals, not dates)."""

    settled_on: list[int]  # ascending
    late: np.ndarray  # lateness of those, same order
    due_month: np.ndarray
    partial: np.ndarray
    disputed: np.ndarray
    issued: np.ndarray  # every invoice's issue day, ascending
    amounts_cum: np.ndarray  # cumulative totals in issue order (for the usual amount so far)
    open_issue: np.ndarray  # every invoice: issue, due, settled (huge when never), for "open at"
    open_due: np.ndarray
    open_settled: np.ndarray


_NEVER = 10**9


class Featurizer:
    """Feature rows for invoices of one tenant from its facts (indexed once per customer)."""

    def __init__(self, facts: Facts):
        self.facts = facts
        by_customer: dict[int, list[InvoiceFact]] = defaultdict(list)
        for f in facts.invoices:
            by_customer[f.customer_id].append(f)
        self._customers = {k: self._index(v) for k, v in by_customer.items()}
        self._portfolio = facts.portfolio_series()

    @staticmethod
    def _index(invoices: list[InvoiceFact]) -> _Customer:
        settled = sorted((f for f in invoices if f.settled_on is not None), key=lambda f: f.settled_on)
        by_issue = sorted(invoices, key=lambda f: f.issue_date)
        return _Customer(
            settled_on=[f.settled_on.toordinal() for f in settled],
            late=np.array([(f.settled_on - f.due_date).days for f in settled], dtype=float),
            due_month=np.array([f.due_date.month for f in settled]),
            partial=np.array(
                [f.first_paid_on is not None and f.first_paid_on < f.settled_on for f in settled], dtype=float
            ),
            disputed=np.array(
                [f.disputed_on is not None and f.disputed_on <= f.settled_on for f in settled], dtype=float
            ),
            issued=np.array([f.issue_date.toordinal() for f in by_issue]),
            amounts_cum=np.cumsum([0] + [f.total for f in by_issue], dtype=float),
            open_issue=np.array([f.issue_date.toordinal() for f in invoices]),
            open_due=np.array([f.due_date.toordinal() for f in invoices]),
            open_settled=np.array([f.settled_on.toordinal() if f.settled_on else _NEVER for f in invoices]),
        )

    def row(self, inv: InvoiceFact, at: date, history_at: date | None = None) -> list[float]:
        """The features of ``inv`` predicted at ``at`` from history known at ``history_at`` (default ``at``)."""
        h = (history_at or at).toordinal()
        c = self._customers.get(inv.customer_id)
        customer = self.facts.customer(inv.customer_id)
        due = inv.due_date
        row = [
            math.log1p(max(inv.total, 0)),
            NAN,
            float((due - inv.issue_date).days),
            float(inv.issue_date.weekday()),
            float(due.weekday()),
            float(due.month),
            float(due.day >= calendar.monthrange(due.year, due.month)[1] - 2),
            float((at - due).days),
            float(inv.disputed_on is not None and inv.disputed_on <= at),
            float(inv.first_paid_on is not None and inv.first_paid_on <= at),
        ]
        history = [0.0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.0, NAN]
        if c is not None:
            n_issued = int(np.searchsorted(c.issued, h, side="right"))
            if n_issued:
                row[1] = inv.total / (c.amounts_cum[n_issued] / n_issued) if c.amounts_cum[n_issued] else NAN
            n = bisect_right(c.settled_on, h)
            if n:
                recent = c.late[max(0, n - RECENT) : n]
                same = c.late[:n][c.due_month[:n] == due.month]
                older = c.late[max(0, n - RECENT) : max(0, n - 3)]
                history[:11] = [
                    float(n),
                    float(recent.mean()),
                    float(recent.std()) if len(recent) > 1 else NAN,
                    float(recent[-1]),
                    float(recent[-3:].mean()),
                    float(recent[-3:].mean() - older.mean()) if len(older) else NAN,
                    float(recent.max()),
                    float(same[-3:].mean()) if len(same) else NAN,
                    float((recent > 0).mean()),
                    float(c.partial[max(0, n - RECENT) : n].mean()),
                    float(c.disputed[max(0, n - RECENT) : n].mean()),
                ]
            others = (
                (c.open_issue <= h)
                & (c.open_settled > h)
                & (c.open_due < h)
                & (c.open_due != due.toordinal())
            )
            if others.any():
                history[11] = float(others.sum())
                history[12] = float(h - c.open_due[others].min())
        promises = sum(1 for p in customer.promises_made if 0 <= h - p.toordinal() <= 90)
        settled, late_days, late_count = self._portfolio.window(h, PORTFOLIO_WINDOW)
        return [
            *row,
            *history[:11],
            history[11],
            history[12],
            float(promises),
            float(customer.rating),
            NAN if customer.utilisation is None else float(customer.utilisation),
            late_days / settled if settled else NAN,
            late_count / settled if settled else NAN,
        ]

    def matrix(self, rows: list[tuple[InvoiceFact, date, date]]) -> np.ndarray:
        """Rows of (invoice, at, history_at) as one float matrix, columns in FEATURES order."""
        if not rows:
            return np.empty((0, len(FEATURES)))
        return np.array([self.row(inv, at, hist) for inv, at, hist in rows], dtype=float)
