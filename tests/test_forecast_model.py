"""The learned pay-date model on the synthetic portfolio (app/forecast/synthetic.py): it must beat both
baselines ("paid on the due date" and "due + the customer's average days late") on mean absolute error and
class accuracy, on hold-out dates and on hold-out customers, in the honest backtest. No database: the
synthetic facts stand in for what the repository gathers."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pytest

from app.forecast import backtest, synthetic
from app.forecast.facts import Facts, InvoiceFact
from app.forecast.features import FEATURES, Featurizer
from app.forecast.model import MIN_ROWS, NotEnoughHistory, PayDateModel


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
    # The baselines have no interval (a point); the model's 10%-90% interval covers far more.
    assert model.interval_coverage > 0.5 > average.interval_coverage


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
