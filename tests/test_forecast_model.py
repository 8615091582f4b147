"""The learned pay-date model on the synthetic portfolio (app/forecast/synthetic.py): it must beat both
baselines ("paid on the due date" and "due + the customer's average days late") on mean absolute error and
class accuracy, on hold-out dates and on hold-out customers, in the honest backtest. No database: the
synthetic facts stand in for what the repository gathers."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import pytest

from app.forecast import backtest, synthetic
from app.forecast.facts import Facts, InvoiceFact
from app.forecast.features import FEATURES, Featurizer
from app.forecast.model import (
    MIN_ROWS,
    NotEnoughHistory,
    PayDateModel,
    calibration_customers,
    conformal_margin,
)


@cache
def portfolio() -> Facts:
    return synthetic.portfolio(customers=100, months=30)


@cache
def fitted() -> PayDateModel:
    return PayDateModel.fit(portfolio(), portfolio().as_of)


@cache
def evaluations() -> tuple[backtest.Evaluation, backtest.Evaluation]:
    facts = portfolio()
    return backtest.backtest(facts, facts.as_of - timedelta(days=180), 90, facts.as_of)


@pytest.mark.parametrize("kind", ["holdout_dates", "holdout_customers"])
def test_the_model_beats_both_baselines_on_error_and_class_accuracy(kind):
    evaluation = next(e for e in evaluations() if e.kind == kind)
    model, due, average = (evaluation.score(p) for p in ("model", "on_due", "average_late"))

    assert evaluation.trained and evaluation.sample_size >= 100
    assert model.mean_absolute_error_days < due.mean_absolute_error_days
    assert model.mean_absolute_error_days < average.mean_absolute_error_days
    assert model.class_accuracy > due.class_accuracy
    assert model.class_accuracy > average.class_accuracy
    # The baselines have no interval (a point); the model's calibrated 10%-90% interval holds about
    # 80% of outcomes it never saw (0.52-0.59 before calibration), at a finite width.
    assert 0.72 <= model.interval_coverage <= 0.88 and average.interval_coverage < 0.1
    assert 0 < model.mean_interval_days < 60 and average.mean_interval_days == 0


def test_the_margin_is_the_finite_sample_conformal_quantile_of_how_far_outcomes_fall_outside():
    low, high = np.zeros(10), np.full(10, 10.0)
    # Outcomes 2 and 4 days past the top, 1 and 3 below the bottom, six inside (scores -5 .. -1).
    actual = np.array([12.0, 14.0, -1.0, -3.0, 5.0, 6.0, 4.0, 7.0, 3.0, 8.0])

    # ceil(11 * 0.8) = 9th smallest of the scores [-5, -4, -4, -3, -3, -2, 1, 2, 3, 4]: 3 days.
    assert conformal_margin(low, high, actual, 0.8) == 3.0
    widened = (actual >= low - 3.0) & (actual <= high + 3.0)
    assert widened.mean() >= 0.8
    # Too wide an interval is narrowed: every outcome well inside gives a negative margin.
    assert conformal_margin(np.full(20, -50.0), np.full(20, 50.0), np.arange(20.0), 0.8) < 0


def test_the_interval_is_calibrated_on_customers_its_ends_never_saw_and_a_small_tenant_is_not():
    model = fitted()
    calibrating = calibration_customers({f.customer_id for f in portfolio().invoices})

    assert len(calibrating) == 20  # a fifth of 100 customers
    assert len(calibration_customers(set(range(1, 11)))) == 2  # a fifth of ten, too
    assert 0.1 * model.rows < model.calibration_rows < 0.35 * model.rows
    assert model.margin != 0
    # The backtest's held-out customers are another fifth: calibration does not leave with them.
    assert calibrating != {c for c in calibrating if backtest.is_held_out(c)}

    two = sorted({f.customer_id for f in portfolio().invoices})[:2]
    small = Facts(portfolio().as_of, tuple(f for f in portfolio().invoices if f.customer_id in two))
    tiny = PayDateModel.fit(small, small.as_of)  # one customer's rows would calibrate: too few
    assert (tiny.calibration_rows, tiny.margin) == (0, 0.0)


def test_a_model_stored_before_calibration_predicts_its_interval_as_it_was_drawn():
    model = fitted()
    facts = portfolio()
    rows = [(f, facts.as_of, facts.as_of) for f in facts.invoices if f.settled_on is None][:20]
    calibrated = model.predict(Featurizer(facts), rows)
    old = PayDateModel.loads(model.dumps())
    del old.margin, old.calibration_rows  # as unpickled from a payload written before they existed

    drawn = old.predict(Featurizer(facts), rows)

    assert [p.days_late for p in drawn] == [p.days_late for p in calibrated]
    assert all(d.high <= c.high and d.low >= c.low for d, c in zip(drawn, calibrated, strict=True))
    assert any(d.high < c.high for d, c in zip(drawn, calibrated, strict=True))


def test_hold_out_customers_are_scored_only_on_customers_the_model_never_trained_on():
    dates, customers = evaluations()
    held = {f.customer_id for f in portfolio().invoices if backtest.is_held_out(f.customer_id)}

    assert 0 < len(held) < 40  # about a fifth of 100
    assert customers.sample_size < dates.sample_size
    assert customers.split == dates.split and customers.scored_by == dates.scored_by


def test_an_unpaid_invoice_is_scored_as_at_least_as_late_as_it_has_been():
    """A never-paid invoice due a year before scoring: predicting it 'paid on due' is at least 365 days off."""
    unpaid = InvoiceFact(1, 1, "USD", 1000, date(2025, 1, 1), date(2025, 2, 1), None)
    paid = [
        InvoiceFact(
            n + 2, 2, "USD", 1000, date(2024, 1, 1) + timedelta(days=n), date(2024, 2, 1), date(2024, 2, 1)
        )
        for n in range(5)
    ]
    facts = Facts(date(2026, 2, 1), (unpaid, *paid))

    result = backtest.evaluate(facts, date(2025, 2, 1), 90, date(2026, 2, 1))

    assert (result.sample_size, result.censored, result.trained) == (1, 1, False)
    # At the split the invoice is just due: "paid on due" says 0 days late; it is still unpaid 365 days on.
    assert result.score("on_due").mean_absolute_error_days == 365
    assert result.score("on_due").class_accuracy == 0
    assert result.score("model").mean_absolute_error_days is None  # too little history to train


def test_an_overdue_open_invoice_is_predicted_after_today_with_reasons():
    facts = portfolio()
    model = fitted()
    overdue = [f for f in facts.invoices if f.settled_on is None and (facts.as_of - f.due_date).days > 120]

    predicted = model.predict(
        Featurizer(facts), [(f, facts.as_of, facts.as_of) for f in overdue], explain=True
    )

    assert overdue and len(predicted) == len(overdue)
    for inv, p in zip(overdue, predicted, strict=True):
        age = (facts.as_of - inv.due_date).days
        assert p.low >= age and p.days_late >= age and p.high >= p.days_late  # conditional on unpaid today
        assert p.lateness_class == "over_90"
    assert any(p.reasons for p in predicted)
    assert {r.feature for p in predicted for r in p.reasons} <= set(FEATURES)
    assert set(model.importance_by_feature()) == set(FEATURES)


def test_a_stored_model_predicts_the_same_after_a_round_trip():
    facts = portfolio()
    model = fitted()
    rows = [(f, facts.as_of, facts.as_of) for f in facts.invoices[-20:]]

    again = PayDateModel.loads(model.dumps())

    assert again.predict(Featurizer(facts), rows) == model.predict(Featurizer(facts), rows)


def test_too_little_history_is_refused_rather_than_fitted():
    few = Facts(date(2026, 1, 1), portfolio().invoices[:5])

    with pytest.raises(NotEnoughHistory, match=str(MIN_ROWS)):
        PayDateModel.fit(few, date(2026, 1, 1))
