"""The pay-date model's portfolio features: how late the whole tenant's invoices settled lately.

They come from one tenant-wide series read in SQL, whichever customers a prediction gathers, so a page
of one customer's invoices is described exactly as training described it; the SQL series equals the one
derived from the invoice facts (settled, partly paid, written off: never paid, two tenants); and a model stored
before the feature columns changed is retrained rather than fed columns it was not fitted on."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from app.customers.filters import CustomerFilter
from app.forecast import repository, service
from app.forecast.facts import Facts, InvoiceFact, PortfolioSeries
from app.forecast.features import FEATURES, Featurizer
from app.forecast.model import PayDateModel
from app.ingest import seeder
from tests import builders
from tests.background import run_jobs

TODAY = date(2026, 6, 30)
LATE_MEAN = FEATURES.index("portfolio_late_mean")
SHARE_LATE = FEATURES.index("portfolio_share_late")


def _fact(i: int, due: str, settled: str | None, customer: int = 1) -> InvoiceFact:
    d = date.fromisoformat(due)
    return InvoiceFact(
        i, customer, "USD", 1000, date(d.year, 1, 1), d, settled and date.fromisoformat(settled)
    )


def test_the_window_counts_the_settlements_of_the_last_90_days_up_to_the_history_day():
    facts = Facts(
        date(2028, 3, 31),
        (
            _fact(1, "2028-01-10", "2028-01-10"),  # on time, 81 days before 2028-03-31: in
            _fact(2, "2028-02-01", "2028-02-29", customer=2),  # 28 late, on the leap day: in
            _fact(3, "2027-12-01", "2028-01-01", customer=3),  # 31 late, 90 days before: out
            _fact(4, "2028-03-01", None, customer=4),  # open: not a settlement
        ),
    )
    series = facts.portfolio_series()

    assert series.window(date(2028, 3, 31).toordinal(), 90) == (2, 28, 1)
    assert series.window(date(2028, 3, 30).toordinal(), 90) == (3, 59, 2)
    assert series.window(date(2028, 2, 28).toordinal(), 90) == (2, 31, 1)  # the leap day not yet
    row = Featurizer(facts).row(facts.invoices[3], date(2028, 3, 31))
    assert (row[LATE_MEAN], row[SHARE_LATE]) == (14.0, 0.5)
    assert np.isnan(Featurizer(facts).row(facts.invoices[3], date(2027, 6, 1))[LATE_MEAN])  # none yet
    assert facts.known_at(date(2028, 2, 28)).portfolio_series() == series.up_to(date(2028, 2, 28))


@pytest.fixture
async def seeded(scope_a, scope_b):
    await seeder.seed_tenant(scope_a, customers=8, months=14, seed=42, today=TODAY)
    await seeder.seed_tenant(scope_b, customers=5, months=14, seed=7, today=TODAY)


async def test_the_sql_series_is_the_one_the_invoice_facts_give_for_the_tenant_alone(
    scope_a, scope_b, seeded
):
    customer = await builders.customer(scope_a, "Written Off Ltd")
    gone = await builders.invoice(scope_a, customer, 50_000, "2026-03-01", "2026-03-31", number="WO-1")
    await builders.write_off(scope_a, gone, 50_000, "2026-05-02")

    facts = await service.facts_as_of(scope_a, TODAY)
    written_off = next(f for f in facts.invoices if f.invoice_id == gone.id)
    assert written_off.settled_on is None  # settled in sum by the write-off, but never paid

    for scope in (scope_a, scope_b):
        for day in (TODAY, date(2026, 2, 28), date(2026, 3, 1)):
            facts = await service.facts_as_of(scope, day)
            derived = PortfolioSeries.from_invoices(facts.invoices)
            assert await repository.portfolio_settlements(scope, day) == derived
            assert facts.portfolio == derived and derived.days
    a = await repository.portfolio_settlements(scope_a, TODAY)
    b = await repository.portfolio_settlements(scope_b, TODAY)
    assert sum(d.count for d in a.days) != sum(d.count for d in b.days)  # each its own tenant's


async def test_a_page_of_one_customer_gets_the_portfolio_features_training_gave_it(scope_a, scope_b, seeded):
    whole = await service.facts_as_of(scope_a, TODAY)
    one = whole.invoices[0].customer_id
    page = await service.facts_as_of(scope_a, TODAY, CustomerFilter(customer_ids=frozenset({one})))

    assert {f.customer_id for f in page.invoices} == {one}
    assert page.portfolio == whole.portfolio
    mine = [f for f in whole.invoices if f.customer_id == one]
    rows = [(f, TODAY, TODAY) for f in mine]
    np.testing.assert_array_equal(Featurizer(page).matrix(rows), Featurizer(whole).matrix(rows))
    # Derived from the page's own invoices, the portfolio figures would differ: that is what the
    # tenant-wide series prevents.
    alone = Facts(page.as_of, page.invoices, page.customers)
    assert not np.array_equal(
        Featurizer(alone).matrix(rows)[:, LATE_MEAN], Featurizer(whole).matrix(rows)[:, LATE_MEAN]
    )


async def test_a_model_stored_with_other_feature_columns_is_retrained_not_used(
    scope_a, scope_b, seeded, registry
):
    await service.train(scope_a, TODAY)
    stored = await repository.latest_model(scope_a)
    old = PayDateModel.loads(bytes(stored.payload))
    old.features = FEATURES[:-2]  # as a model from before the portfolio features was stored
    stored.payload = old.dumps()
    await stored.save()

    assert await service.model_for(scope_a, TODAY) is None  # not fed columns it was not fitted on
    # The queued training is not skipped for finding a model as of the same day: that one is stale.
    assert await run_jobs(registry) == 1
    model = await service.model_for(scope_a, TODAY)

    assert model is not None and model.is_current()
    assert (await repository.latest_model(scope_a)).id != stored.id
    assert await repository.latest_model(scope_b) is None
