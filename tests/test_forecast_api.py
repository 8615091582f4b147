"""The learned model through the API: predictedPayDate with its interval, class and reasons (trained
by a job the first prediction queues, stored per tenant), the backtest's evaluations, and cashForecast's weeks, currencies, disputes
and promises. Two tenants everywhere: each gets its own model and sees only its own invoices."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from app import clock
from app.customers.filters import NO_FILTER
from app.db.scoping import new_row
from app.errors import ValidationFailed
from app.forecast import collections, repository, service
from app.ingest import seeder
from app.jobs import repository as jobs
from app.models import PromiseInvoice
from tests import builders
from tests.background import run_jobs
from tests.helpers import gql, make_token

TODAY = date(2026, 6, 30)
NOON = datetime(2026, 6, 30, 17, tzinfo=UTC)  # 12:00 in Chicago

PREDICTIONS = """
query ($first: Int) {
  invoices(first: $first, asOf: "2026-06-30", filter: {openOnly: true}) {
    edges { node { id dueDate predictedPayDate {
      date low high latenessClass confidence basis expectedDaysLate reasons { feature value effectDays }
    } } }
  }
}
"""
BACKTEST = """
{ payDateBacktest(asOf: "2026-06-30", holdoutDays: 60) {
    sampleSize meanAbsoluteErrorDays
    evaluations { kind split scoredBy sampleSize censored trained
                  scores { predictor meanAbsoluteErrorDays classAccuracy intervalCoverage } } } }
"""
PREDICTIONS_AND_FORECAST = """
{ cashForecast(weeks: 4, asOf: "2026-06-30") { basis }
  invoices(first: 5, asOf: "2026-06-30", filter: {openOnly: true})
    { edges { node { predictedPayDate { basis } } } } }
"""
FORECAST = """
query ($weeks: Int, $filter: CustomerFilter) {
  cashForecast(weeks: $weeks, asOf: "2026-06-30", filter: $filter) {
    asOf basis invoices
    weeks { start end base { low { amount } expected { amount currencyCode } high { amount } }
            byCurrency { expected { amount currencyCode } } }
    later { base { expected { amount } } }
  }
}
"""


@pytest.fixture
async def seeded(scope_a, scope_b):
    await seeder.seed_tenant(scope_a, customers=10, months=20, seed=42, today=TODAY)
    await seeder.seed_tenant(scope_b, customers=6, months=20, seed=7, today=TODAY)


async def test_given_no_model_the_first_prediction_answers_by_the_rule_and_queues_one_training(
    client, scope_a, scope_b, seeded, registry
):
    token = await make_token("northwind")

    with clock.frozen(NOON):
        # Asked at once, and then with the cash forecast in the same request: all race to queue it.
        answers = await asyncio.gather(*(gql(client, PREDICTIONS, token, {"first": n}) for n in (20, 5)))
        both = (await gql(client, PREDICTIONS_AND_FORECAST, token)).json()

    # Nobody waited for a fit: the rule answered every one, and they queued one job.
    for body in [a.json() for a in answers] + [both]:
        assert "errors" not in body, body
        bases = {e["node"]["predictedPayDate"]["basis"] for e in body["data"]["invoices"]["edges"]}
        assert bases and bases <= {"customer", "tenant", "due_date"}, body
    assert both["data"]["cashForecast"]["basis"] == "baseline"
    queued = await jobs.of_kind(scope_a, "forecast.train")
    assert [(j.key, j.args, j.state.value) for j in queued] == [
        ("pay-date-model-on-demand@2026-06-30", {"as_of": "2026-06-30"}, "queued")
    ]
    assert await jobs.of_kind(scope_b, "forecast.train") == []
    assert await repository.latest_model(scope_a) is None

    with clock.frozen(NOON):
        assert await run_jobs(registry) == 1
        body = (await gql(client, PREDICTIONS, token, {"first": 20})).json()

    nodes = [e["node"] for e in body["data"]["invoices"]["edges"]]
    assert nodes, body
    for node in nodes:
        p = node["predictedPayDate"]
        assert p["basis"] == "model"
        assert p["low"] <= p["date"] <= p["high"] and p["date"] >= "2026-06-30"
        assert p["latenessClass"] in ("on_time", "1_30", "31_60", "61_90", "over_90")
        assert 0 < p["confidence"] <= 1
    assert any(node["predictedPayDate"]["reasons"] for node in nodes)
    stored_a = await repository.latest_model(scope_a)
    assert stored_a is not None and stored_a.as_of == TODAY and stored_a.rows >= 50
    assert set(stored_a.importances) and stored_a.metrics["training_rows"] == stored_a.rows
    assert len(stored_a.metrics["backtest"]) == 2  # a job has the time to run the backtest too
    assert await repository.latest_model(scope_b) is None  # trained only for the tenant that asked
    assert len(await jobs.of_kind(scope_a, "forecast.train")) == 1  # a model in use queues no more


async def test_predictions_of_a_page_take_the_same_statements_whatever_its_size(
    client, scope_a, scope_b, seeded, count_queries
):
    token = await make_token("northwind")
    await service.train(scope_a, TODAY)
    with clock.frozen(NOON):
        await gql(client, PREDICTIONS, token, {"first": 2})  # the token's first use, by the model
        count_queries.reset()
        await gql(client, PREDICTIONS, token, {"first": 3})
        small = len(count_queries)
        count_queries.reset()
        await gql(client, PREDICTIONS, token, {"first": 25})
        large = len(count_queries)

    assert small == large


async def test_the_backtest_reports_the_model_and_both_baselines_on_dates_and_customers(
    client, scope_a, scope_b, seeded
):
    body = (await gql(client, BACKTEST, await make_token("northwind"))).json()["data"]["payDateBacktest"]
    other = await service.run_backtest(scope_b, TODAY, 60)

    dates, customers = body["evaluations"]
    assert (dates["kind"], customers["kind"]) == ("holdout_dates", "holdout_customers")
    assert (dates["split"], dates["scoredBy"]) == ("2026-03-02", "2026-06-30")
    assert body["sampleSize"] == dates["sampleSize"] > 0
    assert [s["predictor"] for s in dates["scores"]] == ["model", "on_due", "average_late"]
    assert dates["trained"] and dates["scores"][0]["meanAbsoluteErrorDays"] == body["meanAbsoluteErrorDays"]
    for score in dates["scores"]:
        assert score["meanAbsoluteErrorDays"] >= 0 and 0 <= score["classAccuracy"] <= 1
    # Tenant B's backtest sees only B's invoices: a different, smaller sample.
    assert other.holdout_dates.sample_size != dates["sampleSize"]


async def test_the_cash_forecast_spreads_open_amounts_less_disputes_and_follows_promises(
    client, scope_a, scope_b
):
    c = await builders.customer(scope_a)
    # No history: the baseline predicts the due date. Due 2026-07-10 (week 2), 100.00 of 1000.00 disputed.
    due_week_2 = await builders.invoice(scope_a, c, 100000, "2026-06-10", "2026-07-10")
    await builders.dispute(scope_a, due_week_2, 10000, "2026-06-20")
    # Due in week 1, but promised for 2026-08-03 (week 5).
    promised = await builders.invoice(scope_a, c, 50000, "2026-06-01", "2026-07-01")
    promise = await builders.promise(scope_a, c, 50000, "2026-08-03")
    await new_row(PromiseInvoice, scope_a, promise_id=promise.id, invoice_id=promised.id).save()
    # EUR 200.00 at 1.10 = USD 220.00, due 2026-09-30: after 13 weeks.
    await builders.fx_rate(scope_a, "EUR", "2026-06-01", "1.10")
    await builders.invoice(scope_a, c, 20000, "2026-06-01", "2026-09-30", currency="EUR")
    other = await builders.customer(scope_b)
    await builders.invoice(scope_b, other, 777700, "2026-06-10", "2026-07-10")

    token = await make_token("northwind")
    with clock.frozen(NOON):
        body = (await gql(client, FORECAST, token, {"weeks": 13})).json()
        refused = (await gql(client, FORECAST, token, {"weeks": 0})).json()

    result = body["data"]["cashForecast"]
    weeks = result["weeks"]
    assert (result["basis"], result["invoices"], len(weeks)) == ("baseline", 3, 13)
    assert (weeks[0]["start"], weeks[0]["end"], weeks[12]["end"]) == (
        "2026-07-01",
        "2026-07-07",
        "2026-09-29",
    )
    expected = [w["base"]["expected"]["amount"] for w in weeks]
    assert expected[1] == "900.00" and expected[4] == "500.00"
    assert sum(float(a) for a in expected) == 1400.0
    assert result["later"]["base"]["expected"]["amount"] == "220.00"
    # A point prediction has no spread: the band is the expectation.
    assert weeks[1]["base"]["low"]["amount"] == weeks[1]["base"]["high"]["amount"] == "900.00"
    assert weeks[1]["byCurrency"] == [  # every currency in every week, so the table is rectangular
        {"expected": {"amount": "0.00", "currencyCode": "EUR"}},
        {"expected": {"amount": "900.00", "currencyCode": "USD"}},
    ]
    assert refused["errors"][0]["extensions"]["code"] == "out_of_range"
    with pytest.raises(ValidationFailed) as too_late:  # 13 weeks would run past 9999-12-31
        await collections.cash_forecast(scope_a, "USD", date(9999, 12, 25), 13, NO_FILTER, TODAY)
    assert too_late.value.code == "out_of_range"


async def test_the_cash_forecast_from_the_model_has_a_band_and_adds_up(client, scope_a, scope_b, seeded):
    await service.train(scope_a, TODAY)
    with clock.frozen(NOON):
        body = (await gql(client, FORECAST, await make_token("northwind"), {"weeks": 13})).json()
    open_now = await repository.open_for_forecast(scope_a, TODAY, service.NO_FILTER)

    result = body["data"]["cashForecast"]
    assert result["basis"] == "model" and result["invoices"] == len(open_now) > 0
    bases = [w["base"] for w in result["weeks"]]
    assert all(
        float(b["low"]["amount"]) <= float(b["expected"]["amount"]) <= float(b["high"]["amount"])
        for b in bases
    )
    assert any(float(b["low"]["amount"]) < float(b["high"]["amount"]) for b in bases)


MODEL = """
{ payDateModel { trainedAt asOf trainingRows invoices importances { feature importance }
    intervalMarginDays calibrationRows
    evaluations { kind split scoredBy sampleSize trained
                  scores { predictor meanAbsoluteErrorDays intervalCoverage meanIntervalDays } } } }
"""


async def test_the_model_in_use_shows_its_importances_and_the_backtest_it_was_trained_with(
    client, scope_a, scope_b, seeded
):
    token = await make_token("northwind")
    assert (await gql(client, MODEL, token)).json()["data"]["payDateModel"] is None  # none trained yet

    with clock.frozen(NOON):
        trained = await service.train(scope_a, TODAY, evaluate=True)
        body = (await gql(client, MODEL, token)).json()["data"]["payDateModel"]
        lazily = await service.train(scope_b, TODAY)  # without the backtest

    assert (body["asOf"], body["trainingRows"]) == ("2026-06-30", trained.rows)
    assert body["trainedAt"].startswith("2026-06-30T17:00")
    importances = [i["importance"] for i in body["importances"]]
    assert importances == sorted(importances, reverse=True) and len(importances) == len(trained.importances)
    dates, customers = body["evaluations"]
    assert (dates["kind"], dates["split"], dates["scoredBy"]) == ("holdout_dates", "2026-01-01", "2026-06-30")
    assert customers["kind"] == "holdout_customers" and dates["sampleSize"] > customers["sampleSize"] > 0
    # The stored scores are the backtest's own on the same facts, not a summary of something else.
    again = await service.run_backtest(scope_a, TODAY, 90)
    assert [s["meanAbsoluteErrorDays"] for s in dates["scores"]] == [
        None if s.mean_absolute_error_days is None else round(s.mean_absolute_error_days, 2)
        for s in again.holdout_dates.scores
    ]
    # The interval was calibrated on customers set aside from fitting its ends, and says by how much.
    assert body["calibrationRows"] == trained.calibration_rows > 0
    assert body["intervalMarginDays"] == trained.interval_margin_days != 0
    model, on_due, _ = dates["scores"]
    assert model["meanIntervalDays"] > 0 and on_due["meanIntervalDays"] == 0  # a baseline is a point
    assert lazily is not None and lazily.evaluations == ()
    other = (await gql(client, MODEL, await make_token("cloudly"))).json()["data"]["payDateModel"]
    assert other["trainingRows"] == lazily.rows != trained.rows and other["evaluations"] == []
