"""Statements reproduce metrics.md's worked example to the cent, read back from the PDF."""

from __future__ import annotations

from datetime import date

import pytest

from app.documents import service
from app.errors import NotFound, ValidationFailed
from tests import documents_data as data
from tests.documents_data import pdf_text

D = date(2026, 6, 30)
AGING = "Current 1-30 31-60 61-90 91-120 121+ Unapplied $2,500.00 $600.00 $0.00 $0.00 $600.00 $0.00 -$150.00"


async def _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b):
    a = await data.worked_example(scope_a)
    b = await data.customer(scope_b, "A-100", "Customer A", currency="EUR")
    await data.invoice(scope_b, b, "INV-1", date(2026, 3, 1), date(2026, 3, 31), 4242400)
    return a, b


async def test_given_the_worked_example_when_rendering_the_activity_statement_then_it_matches(
    scope_a, scope_b
):
    a, _ = await _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b)

    document = await service.statement_pdf(scope_a, a.id, "activity", date(2026, 3, 1), D)
    text = pdf_text(document.content)

    assert document.filename == "statement-A-100-2026-06-30.pdf"
    for expected in [
        "Statement of account",
        "Period Mar 1, 2026 \u2013 Jun 30, 2026",
        "Opening balance $0.00",
        "Mar 1, 2026 Invoice INV-1 Mar 31, 2026 $1,000.00 $1,000.00",
        "Apr 15, 2026 Payment WIRE-400 $400.00 $600.00",
        "May 1, 2026 Invoice INV-3 May 31, 2026 $800.00 $1,400.00",
        "Jun 1, 2026 Invoice INV-2 Jul 1, 2026 $2,500.00 $3,900.00",
        "Jun 10, 2026 Credit note CN-1 $200.00 $3,700.00",
        "Jun 20, 2026 Payment WIRE-150 $150.00 $3,550.00",
        "Closing balance $3,550.00",
        "Open invoices $3,700.00",
        "Unapplied cash and credit -$150.00",
        "Balance due as of Jun 30, 2026 $3,550.00",
        AGING,
    ]:
        assert expected in text, expected
    assert "42,424.00" not in text


async def test_given_the_worked_example_when_rendering_the_open_item_statement_then_it_matches(
    scope_a, scope_b
):
    a, _ = await _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b)

    document = await service.statement_pdf(scope_a, a.id, "open_item", as_of=D)
    text = pdf_text(document.content)

    for expected in [
        "Open item statement",
        "Period as of Jun 30, 2026",
        "Mar 1, 2026 INV-1 Mar 31, 2026 91 $1,000.00 $600.00 $600.00",
        "May 1, 2026 INV-3 May 31, 2026 30 $800.00 $600.00 $1,200.00",
        "Jun 1, 2026 INV-2 Jul 1, 2026 -1 $2,500.00 $2,500.00 $3,700.00",
        "Open invoices $3,700.00",
        "Unapplied cash and credit -$150.00",
        "Balance due as of Jun 30, 2026 $3,550.00",
        AGING,
    ]:
        assert expected in text, expected
    assert "42,424.00" not in text and "Opening balance" not in text


async def test_given_a_later_period_when_preparing_then_the_opening_balance_carries_earlier_activity(
    scope_a, scope_b
):
    a, _ = await _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b)

    prepared = await service.prepare_statement(scope_a, a.id, "activity", date(2026, 5, 1), D)

    view = prepared.view
    assert view.opening_balance == "$600.00"  # INV-1 1,000.00 less the 400.00 paid in April
    assert [r.reference for r in view.rows] == ["INV-3", "INV-2", "CN-1", "WIRE-150"]
    assert view.closing_balance == view.net_balance == "$3,550.00"


async def test_given_an_earlier_as_of_date_when_preparing_then_it_shows_that_days_figures(scope_a, scope_b):
    a, _ = await _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b)

    view = (await service.prepare_statement(scope_a, a.id, "open_item", as_of=date(2026, 4, 10))).view

    assert [(r.reference, r.credit, r.days_past_due) for r in view.rows] == [("INV-1", "$1,000.00", "10")]
    assert [(c.label, c.amount) for c in view.aging if c.amount != "$0.00"] == [("1-30", "$1,000.00")]


async def test_given_another_tenants_customer_or_a_bad_kind_when_preparing_then_it_is_refused(
    scope_a, scope_b
):
    a, b = await _given_customer_a_and_a_lookalike_in_tenant_b(scope_a, scope_b)

    with pytest.raises(NotFound):
        await service.prepare_statement(scope_a, b.id)
    with pytest.raises(NotFound):
        await service.prepare_statement(scope_b, a.id)
    with pytest.raises(ValidationFailed):
        await service.prepare_statement(scope_a, a.id, "summary")
    with pytest.raises(ValidationFailed):
        await service.prepare_statement(scope_a, a.id, "activity", D, date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="ISO 4217"):
        await service.prepare_statement(scope_a, a.id, "open_item", as_of=D, currency="EURO")


async def test_given_a_german_tenant_with_its_own_buckets_when_preparing_then_labels_and_money_follow_it(
    scope_a, scope_b
):
    a = await data.worked_example(scope_a)
    b = await data.worked_example(scope_b, account="A-200", name="Kunde A")  # a USD customer of a EUR tenant
    await data.payment(scope_a, a, date(2026, 6, 1), 99, reference="ONLY-IN-A")

    view = (await service.prepare_statement(scope_b, b.id, "open_item", as_of=D)).view

    # cloudly ages by [30, 60, 90]: INV-1 at 91 days falls in the open-ended last bucket.
    assert [(c.label, c.amount) for c in view.aging] == [
        ("Current", "2.500,00\xa0$"),
        ("1-30", "600,00\xa0$"),
        ("31-60", "0,00\xa0$"),
        ("61-90", "0,00\xa0$"),
        ("91+", "600,00\xa0$"),
        ("Unapplied", "-150,00\xa0$"),
    ]
    assert (view.as_of, view.net_balance) == ("30.06.2026", "3.550,00\xa0$")


def test_given_no_dates_when_choosing_a_statement_period_then_it_is_the_month_to_date_or_today():
    today = date(2026, 7, 14)

    assert service.statement_dates(service.StatementKind.ACTIVITY, today, None, None, None) == (
        date(2026, 7, 1),
        today,
    )
    assert service.statement_dates(service.StatementKind.ACTIVITY, today, None, None, D) == (
        date(2026, 6, 1),
        D,
    )
    assert service.statement_dates(service.StatementKind.OPEN_ITEM, today, date(2026, 1, 1), None, None) == (
        None,
        today,
    )
    with pytest.raises(ValidationFailed):
        service.statement_dates(service.StatementKind.OPEN_ITEM, today, None, D, date(2026, 6, 29))
