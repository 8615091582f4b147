"""The figures documents print follow metrics.md: the worked example, as of two dates, tenant-isolated."""

from __future__ import annotations

from datetime import date

from app.documents import repository
from app.receivables import customer_figures as figures
from tests import documents_data as data

D = date(2026, 6, 30)


async def _two_tenants(scope_a, scope_b):
    a = await data.worked_example(scope_a)
    # Tenant B has a customer with the same account number and different figures: it must never leak.
    b = await data.customer(scope_b, "A-100", "Kunde B", currency="EUR")
    await data.invoice(scope_b, b, "INV-1", date(2026, 6, 1), date(2026, 6, 2), 99900)
    return a, b


async def test_given_the_worked_example_when_asking_open_items_then_they_match_metrics_md(scope_a, scope_b):
    a, b = await _two_tenants(scope_a, scope_b)

    items = await figures.open_items(scope_a, a.id, D)

    assert [(i.number, i.open_amount, (D - i.due_date).days) for i in items] == [
        ("INV-1", 60000, 91),
        ("INV-3", 60000, 30),
        ("INV-2", 250000, -1),
    ]
    assert await figures.open_items(scope_a, b.id, D) == []


async def test_given_the_worked_example_when_aging_then_buckets_unapplied_and_net_match(scope_a, scope_b):
    a, b = await _two_tenants(scope_a, scope_b)

    aging = await figures.aging(scope_a, a.id, D, [30, 60, 90, 120], "USD")
    unapplied = await figures.unapplied(scope_a, a.id, D, "USD")
    balances = await figures.net_balances(scope_a, D)

    assert aging == {0: 250000, 1: 60000, 4: 60000}
    assert unapplied == 15000
    assert balances == {(a.id, "USD"): 355000}
    assert await figures.net_balances(scope_b, D) == {(b.id, "EUR"): 99900}


async def test_given_an_earlier_date_when_asking_then_later_payments_do_not_count(scope_a, scope_b):
    a, _ = await _two_tenants(scope_a, scope_b)
    earlier = date(2026, 4, 10)

    items = await figures.open_items(scope_a, a.id, earlier)
    aging = await figures.aging(scope_a, a.id, earlier, [30, 60, 90, 120], "USD")

    assert [(i.number, i.open_amount) for i in items] == [("INV-1", 100000)]
    assert aging == {1: 100000}
    assert await figures.unapplied(scope_a, a.id, earlier, "USD") == 0


async def test_given_a_write_off_when_asking_then_it_reduces_open_and_appears_in_activity(scope_a, scope_b):
    a, _ = await _two_tenants(scope_a, scope_b)
    inv1 = (await figures.open_items(scope_a, a.id, D))[0]
    await data.write_off(scope_a, await _invoice(inv1.invoice_id), date(2026, 6, 25), 10000)

    items = await figures.open_items(scope_a, a.id, D)
    rows = await repository.activity(scope_a, a.id, date(2026, 3, 1), D)

    assert items[0].open_amount == 50000
    assert [(r.date.isoformat(), r.kind, r.reference, r.amount) for r in rows] == [
        ("2026-03-01", "invoice", "INV-1", 100000),
        ("2026-04-15", "payment", "WIRE-400", -40000),
        ("2026-05-01", "invoice", "INV-3", 80000),
        ("2026-06-01", "invoice", "INV-2", 250000),
        ("2026-06-10", "credit_note", "CN-1", -20000),
        ("2026-06-20", "payment", "WIRE-150", -15000),
        ("2026-06-25", "write_off", "INV-1", -10000),
    ]


async def _invoice(invoice_id):
    from app.models import Invoice

    return await Invoice.get(id=invoice_id)


async def test_given_a_customer_billed_in_two_currencies_when_asking_then_each_currency_stands_alone(
    scope_a, scope_b
):
    a, _ = await _two_tenants(scope_a, scope_b)
    eur = await data.invoice(
        scope_a, a, "INV-EUR-1", date(2026, 6, 1), date(2026, 6, 15), 50000, currency="EUR"
    )
    await data.write_off(scope_a, eur, date(2026, 6, 20), 1000)
    await data.credit_note(scope_a, a, "CN-EUR", date(2026, 6, 21), 2000)  # customer currency is USD
    usd_items = await figures.open_items(scope_a, a.id, D, "USD")

    eur_items = await figures.open_items(scope_a, a.id, D, "EUR")
    eur_aging = await figures.aging(scope_a, a.id, D, [30, 60, 90, 120], "EUR")
    balances = await figures.net_balances(scope_a, D)
    eur_rows = await repository.activity(scope_a, a.id, date(2026, 6, 1), D, "EUR")

    assert [i.number for i in usd_items] == ["INV-1", "INV-3", "INV-2"]
    assert [(i.number, i.open_amount) for i in eur_items] == [("INV-EUR-1", 49000)]
    assert eur_aging == {1: 49000}
    assert balances == {(a.id, "USD"): 353000, (a.id, "EUR"): 49000}
    assert await figures.unapplied(scope_a, a.id, D, "EUR") == 0
    assert await figures.unapplied(scope_a, a.id, D, "USD") == 17000
    assert [(r.kind, r.amount) for r in eur_rows] == [("invoice", 50000), ("write_off", -1000)]


async def test_given_a_pending_card_payment_then_the_statement_and_the_dashboard_both_still_show_it_open(
    client, scope_a, scope_b
):
    """Statements use the dashboard's own queries: a payment that has not succeeded reduces neither."""
    from app.models.enums import PaymentStatus
    from app.payments import repository as payments_repository
    from tests.helpers import gql, make_token

    a, _ = await _two_tenants(scope_a, scope_b)
    inv1 = (await figures.open_items(scope_a, a.id, D))[0]
    pending = await data.payment(
        scope_a, a, date(2026, 6, 29), 60000, (await _invoice(inv1.invoice_id), 60000, date(2026, 6, 29))
    )
    pending.status = PaymentStatus.PENDING
    await payments_repository.save(pending)  # the writer of a payment's status (refreshes the sums)
    token = await make_token("northwind")

    statement_open = sum(i.open_amount for i in await figures.open_items(scope_a, a.id, D))
    summary = (await gql(client, '{ arSummary(asOf: "2026-06-30") { totalOpen { amount } } }', token)).json()

    assert statement_open == 370000
    assert summary["data"]["arSummary"]["totalOpen"]["amount"] == "3700.00"
