"""Receivables figures at the service level: metrics.md's worked example, as-of dates, FX conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.fx.service import MissingRate
from app.receivables import service
from tests import builders


def northwind(registry):
    return registry.require("northwind").config


async def test_given_the_worked_example_when_summarised_then_every_figure_matches(scope_a, scope_b, registry):
    await builders.worked_example(scope_a)
    await builders.worked_example(scope_b)  # the other tenant's identical data must not leak in

    f = await service.ar_summary(scope_a, northwind(registry), as_of=date(2026, 6, 30))

    assert (f.base.total_open, f.base.unapplied, f.base.net_balance) == (370000, 15000, 355000)
    assert [b.amount for b in f.base.aging] == [250000, 60000, 0, 0, 60000, 0]
    assert f.credit_sales == 310000 and f.ar_period_start == 100000
    assert round(f.dso, 2) == Decimal("103.06")
    assert round(f.countback_dso, 2) == Decimal("104.95")
    assert round(f.best_possible_dso, 2) == Decimal("72.58")
    assert round(f.average_days_delinquent, 2) == Decimal("30.48")
    assert f.cei == Decimal("34.375")


async def test_given_a_later_payment_when_asked_as_of_an_earlier_date_then_it_is_ignored(
    scope_a, scope_b, registry
):
    await builders.worked_example(scope_a)

    f = await service.ar_summary(scope_a, northwind(registry), as_of=date(2026, 4, 10))

    assert f.base.total_open == 100000
    assert [b.amount for b in f.base.aging] == [0, 100000, 0, 0, 0, 0]


async def test_given_foreign_invoices_without_a_rate_then_the_error_names_the_currency(scope_a, registry):
    c = await builders.customer(scope_a)
    await builders.invoice(scope_a, c, 1000, "2026-01-01", "2026-01-31", currency="GBP")

    with pytest.raises(MissingRate, match="GBP"):
        await service.ar_summary(scope_a, northwind(registry), as_of=date(2026, 2, 1))
