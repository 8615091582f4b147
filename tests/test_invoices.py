"""invoices / invoice(id): open amount as of a date, applied items, disputes, predicted pay date, backtest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.invoices import prediction
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


async def test_given_settled_history_then_the_backtest_reports_its_mean_absolute_error(
    client, scope_a, scope_b
):
    c = await builders.customer(scope_a)
    # History before the hold-out (starting 2026-04-01): paid 10 days late.
    old = await builders.invoice(scope_a, c, 10000, "2026-01-01", "2026-02-01")
    await builders.payment(scope_a, c, 10000, "2026-02-11", allocate=[(old, 10000, "2026-02-11")])
    # In the hold-out: due 05-01, settled 05-15 (predicted 05-11): error 4; due 06-01 settled 06-05: error 6.
    for due, paid in (("2026-05-01", "2026-05-15"), ("2026-06-01", "2026-06-05")):
        inv = await builders.invoice(scope_a, c, 10000, "2026-04-01", due)
        await builders.payment(scope_a, c, 10000, paid, allocate=[(inv, 10000, paid)])

    body = (await gql(client, BACKTEST, await make_token("northwind"))).json()
    direct = await prediction.backtest(scope_b, date(2026, 6, 30))

    assert body["data"]["payDateBacktest"] == {"sampleSize": 2, "meanAbsoluteErrorDays": 5.0}
    assert direct.sample_size == 0 and direct.mean_absolute_error_days is None  # other tenant: no history
    assert Decimal(5) == (await prediction.backtest(scope_a, date(2026, 6, 30))).mean_absolute_error_days


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
