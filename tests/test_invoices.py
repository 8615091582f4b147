"""invoices / invoice(id): open amount as of a date, applied items, disputes, predicted pay date, backtest."""

from __future__ import annotations

from datetime import date

from app.forecast import service as forecast
from app.models.enums import StaffRole
from schema.common.ids import encode_id
from tests import builders
from tests.helpers import gql, make_token

INVOICE = """
query ($id: ID!, $asOf: Date) {
  invoice(id: $id, asOf: $asOf) {
    number status openAmount { amount } daysPastDue
    allocations { amount { amount } date }
    creditNotes { amount { amount } date }
    disputes { amount { amount } status }
    predictedPayDate { date confidence basis expectedDaysLate }
  }
}
"""

INVOICES = """
query ($filter: InvoiceFilter, $orderBy: InvoiceOrderBy) {
  invoices(first: 10, asOf: "2026-06-30", filter: $filter, orderBy: $orderBy) {
    totalCount edges { node { number openAmount { amount } daysPastDue } }
  }
}
"""

BACKTEST = '{ payDateBacktest(asOf: "2026-06-30", holdoutDays: 90) { sampleSize meanAbsoluteErrorDays } }'


async def test_given_inv1_then_its_open_amount_and_applied_items_follow_the_as_of_date(
    client, scope_a, scope_b
):
    example = await builders.worked_example(scope_a)
    await builders.dispute(scope_a, example["inv3"], 10000, "2026-06-12")
    token = await make_token("northwind", StaffRole.VIEWER)
    inv1 = encode_id("Invoice", example["inv1"].id)

    june = (await gql(client, INVOICE, token, {"id": inv1, "asOf": "2026-06-30"})).json()["data"]["invoice"]
    april = (await gql(client, INVOICE, token, {"id": inv1, "asOf": "2026-04-10"})).json()["data"]["invoice"]
    inv3 = (
        await gql(
            client, INVOICE, token, {"id": encode_id("Invoice", example["inv3"].id), "asOf": "2026-06-30"}
        )
    ).json()["data"]["invoice"]

    assert (june["openAmount"]["amount"], june["daysPastDue"]) == ("600.00", 91)
    assert june["allocations"] == [{"amount": {"amount": "400.00"}, "date": "2026-04-15"}]
    assert (april["openAmount"]["amount"], april["daysPastDue"], april["allocations"]) == ("1000.00", 10, [])
    assert inv3["creditNotes"] == [{"amount": {"amount": "200.00"}, "date": "2026-06-10"}]
    assert inv3["disputes"] == [{"amount": {"amount": "100.00"}, "status": "open"}]
    # Nobody has settled an invoice yet: the prediction is the later of due date and today, confidence 0.
    assert june["predictedPayDate"] == {
        "date": "2026-06-30",
        "confidence": 0.0,
        "basis": "due_date",
        "expectedDaysLate": 0,
    }


async def test_given_another_tenants_invoice_id_then_it_is_not_found(client, scope_a, scope_b):
    example = await builders.worked_example(scope_b)

    body = (
        await gql(
            client, INVOICE, await make_token("northwind"), {"id": encode_id("Invoice", example["inv1"].id)}
        )
    ).json()

    assert body["errors"][0]["extensions"]["code"] == "not_found"


async def test_given_a_late_payer_then_its_open_invoice_is_predicted_late_with_confidence(
    client, scope_a, scope_b
):
    c = await builders.customer(scope_a)
    for n in range(3):  # three invoices each paid 12 days late
        inv = await builders.invoice(scope_a, c, 10000, f"2026-0{n + 1}-01", f"2026-0{n + 1}-20")
        await builders.payment(
            scope_a, c, 10000, f"2026-0{n + 2}-01", allocate=[(inv, 10000, f"2026-0{n + 2}-01")]
        )
    open_inv = await builders.invoice(scope_a, c, 50000, "2026-06-10", "2026-07-10")

    p = (
        await gql(
            client,
            INVOICE,
            await make_token("northwind"),
            {"id": encode_id("Invoice", open_inv.id), "asOf": "2026-06-30"},
        )
    ).json()["data"]["invoice"]["predictedPayDate"]

    # Days late: Jan 20 -> Feb 1 = 12, Feb 20 -> Mar 1 = 9, Mar 20 -> Apr 1 = 12; equal amounts: mean 11.
    assert p == {"date": "2026-07-21", "confidence": 0.38, "basis": "customer", "expectedDaysLate": 11}


async def test_given_settled_and_unpaid_invoices_then_the_backtest_scores_both_beside_the_baselines(
    client, scope_a, scope_b
):
    """As of 2026-06-30 with 90-day hold-outs: split at 2026-01-01, predict what was open then or issued by
    2026-04-01, score by 2026-06-30. The unpaid invoice counts as at least 90 days late (it used to be
    left out: the previous backtest scored settled invoices only)."""
    c = await builders.customer(scope_a)
    # Known at the split: paid 10 days late, so "average days late" predicts 10.
    old = await builders.invoice(scope_a, c, 10000, "2025-10-01", "2025-11-01")
    await builders.payment(scope_a, c, 10000, "2025-11-11", allocate=[(old, 10000, "2025-11-11")])
    # Open at the split, paid 20 days late: errors 10 (average) and 19 (on due: it was 1 day late already).
    open_then = await builders.invoice(scope_a, c, 10000, "2025-12-01", "2025-12-31")
    await builders.payment(scope_a, c, 10000, "2026-01-20", allocate=[(open_then, 10000, "2026-01-20")])
    # Issued in the window, paid 14 days late: errors 4 and 14.
    issued = await builders.invoice(scope_a, c, 10000, "2026-02-01", "2026-03-01")
    await builders.payment(scope_a, c, 10000, "2026-03-15", allocate=[(issued, 10000, "2026-03-15")])
    # Issued in the window, never paid: at least 90 days late by 2026-06-30: errors 80 and 90.
    await builders.invoice(scope_a, c, 10000, "2026-03-01", "2026-04-01")
    # Issued after the window: not scored.
    await builders.invoice(scope_a, c, 10000, "2026-05-01", "2026-06-01")

    body = (await gql(client, BACKTEST, await make_token("northwind"))).json()
    other = await forecast.run_backtest(scope_b, date(2026, 6, 30))
    direct = await forecast.run_backtest(scope_a, date(2026, 6, 30))

    # Too little history to train the model: the headline is the average-days-late baseline's.
    assert body["data"]["payDateBacktest"] == {"sampleSize": 3, "meanAbsoluteErrorDays": 31.33}
    dates = direct.holdout_dates
    assert (dates.split, dates.scored_by, dates.sample_size, dates.censored, dates.trained) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
        3,
        1,
        False,
    )
    assert dates.score("average_late").mean_absolute_error_days == (10 + 4 + 80) / 3
    assert dates.score("on_due").mean_absolute_error_days == (19 + 14 + 90) / 3
    assert dates.score("average_late").class_accuracy == 2 / 3  # 1-30 twice; the unpaid one is 61-90+
    assert dates.score("on_due").class_accuracy == 1 / 3  # only the one already 1 day late at the split
    assert dates.score("model").mean_absolute_error_days is None
    assert direct.holdout_customers.kind == "holdout_customers"
    assert other.holdout_dates.sample_size == 0  # the other tenant: nothing of tenant A


async def test_invoice_list_filters_and_orders(client, scope_a, scope_b):
    await builders.worked_example(scope_a)
    await builders.worked_example(scope_b)
    token = await make_token("northwind")

    everything = (await gql(client, INVOICES, token, {"orderBy": "OPEN_AMOUNT"})).json()["data"]["invoices"]
    overdue = (await gql(client, INVOICES, token, {"filter": {"overdueOnly": True}})).json()["data"][
        "invoices"
    ]

    assert everything["totalCount"] == 3
    assert [e["node"]["openAmount"]["amount"] for e in everything["edges"]] == ["2500.00", "600.00", "600.00"]
    assert [e["node"]["daysPastDue"] for e in overdue["edges"]] == [91, 30]
