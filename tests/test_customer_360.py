"""customer(id): credit cover, reviews, disputes, promises, payment behaviour and profitability."""

from __future__ import annotations

from datetime import date

from app.models.enums import StaffRole
from schema.common.ids import encode_id
from tests import builders
from tests.helpers import gql, make_token

CUSTOMER_360 = """
query ($id: ID!) {
  customer(id: $id, asOf: "2026-06-30") {
    name
    balances { netBalance { amount } cover { amount } exposure { amount } utilisation overLimit }
    lettersOfCredit { amount { amount currencyCode } expiryDate status }
    openDisputes { amount { amount } status }
    promisesToPay { status amount { amount } }
    paymentBehaviour { settledCount averageDaysToPay averageDaysLate onTimeRate daysToPayChange
                       previousYear { settledCount averageDaysToPay } }
    profitability { revenue { amount } previousRevenue { amount } grossMargin { amount } marginRate growth }
    priority { score brokenPromise overLimit }
  }
}
"""


async def test_given_a_customer_with_history_then_the_360_shows_every_part(client, scope_a, scope_b):
    c = await builders.customer(scope_a, "Acme", credit_limit=100000)
    # Settled on time: issued 01-01, due 01-31, paid 01-21 (20 days to pay), total 1,000.
    early = await builders.invoice(scope_a, c, 100000, "2026-01-01", "2026-01-31")
    await builders.payment(scope_a, c, 100000, "2026-01-21", allocate=[(early, 100000, "2026-01-21")])
    # Settled late: issued 02-01, due 03-03, paid 03-13 (40 days to pay, 10 late), total 3,000.
    late = await builders.invoice(scope_a, c, 300000, "2026-02-01", "2026-03-03")
    await builders.invoice_line(scope_a, late, 300000, cost=180000)
    await builders.payment(scope_a, c, 300000, "2026-03-13", allocate=[(late, 300000, "2026-03-13")])
    # Open and overdue 61 days with a 500 dispute, partly covered by a letter of credit.
    open_inv = await builders.invoice(scope_a, c, 150000, "2026-04-01", "2026-04-30")
    await builders.dispute(scope_a, open_inv, 50000, "2026-05-10")
    await builders.letter_of_credit(scope_a, c, 40000, "2026-12-31")
    await builders.letter_of_credit(scope_a, c, 99999, "2026-06-01")  # expired before D: no cover
    await builders.promise(scope_a, c, 20000, "2026-06-15", status="broken")
    # Revenue of the previous 12 months, for growth.
    await builders.invoice(scope_a, c, 200000, "2025-03-01", "2025-03-31", number="OLD-1")
    # A year earlier the customer paid in 50 days: issued 2025-03-01, paid 2025-04-20.
    paid_2025 = await builders.invoice(scope_a, c, 100000, "2025-03-01", "2025-03-31", number="OLD-2")
    await builders.payment(scope_a, c, 100000, "2025-04-20", allocate=[(paid_2025, 100000, "2025-04-20")])
    await builders.customer(scope_b, "Acme")
    token = await make_token("northwind", StaffRole.FINANCE)

    body = (await gql(client, CUSTOMER_360, token, {"id": encode_id("Customer", c.id)})).json()

    assert "errors" not in body, body
    x = body["data"]["customer"]
    # Open: 1,500 (61 days) + the unpaid 2025 invoice of 2,000; cover only from the unexpired letter.
    assert x["balances"] == {
        "netBalance": {"amount": "3500.00"},
        "cover": {"amount": "400.00"},
        "exposure": {"amount": "3100.00"},
        "utilisation": 3.1,
        "overLimit": True,
    }
    assert x["lettersOfCredit"][0]["amount"] == {"amount": "999.99", "currencyCode": "USD"}
    assert [d["amount"]["amount"] for d in x["openDisputes"]] == ["500.00"]
    assert x["promisesToPay"] == [{"status": "broken", "amount": {"amount": "200.00"}}]
    # ADP = (1,000 x 20 + 3,000 x 40) / 4,000 = 35; days late = 3,000 x 10 / 4,000 = 7.5; 1 of 2 on time.
    # The year before: one invoice paid in 50 days, so the customer now pays 15 days faster.
    assert x["paymentBehaviour"] == {
        "settledCount": 2,
        "averageDaysToPay": 35.0,
        "averageDaysLate": 7.5,
        "onTimeRate": 0.5,
        "daysToPayChange": -15.0,
        "previousYear": {"settledCount": 1, "averageDaysToPay": 50.0},
    }
    # Revenue (2025-06-30, 2026-06-30]: 1,000 + 3,000 + 1,500 = 5,500; cost only on the 3,000 line.
    assert x["profitability"] == {
        "revenue": {"amount": "5500.00"},
        "previousRevenue": {"amount": "3000.00"},
        "grossMargin": {"amount": "3700.00"},
        "marginRate": 0.6727,
        "growth": 0.8333,
    }
    assert x["priority"]["brokenPromise"] is True and x["priority"]["overLimit"] is True


CONNECTIONS = """
query ($id: ID!) {
  customer(id: $id, asOf: "2026-06-30") {
    invoices(first: 2) { totalCount pageInfo { hasNextPage } edges { node { number openAmount { amount } } } }
    open: invoices(openOnly: true) { totalCount }
    payments { totalCount edges { node { amount { amount } receivedDate } } }
    alerts { totalCount edges { node { rule } } }
  }
}
"""


async def test_given_the_worked_example_then_invoices_payments_and_alerts_are_connections(
    client, scope_a, scope_b, registry
):
    from app.alerts import service as alerts

    example = await builders.worked_example(scope_a)
    await builders.worked_example(scope_b)
    config = registry.require("northwind").config
    everything = config.model_copy(update={"alerts": config.alerts.model_copy(update={"minimum_amount": 0})})
    await alerts.evaluate(scope_a, everything, date(2026, 6, 30))  # INV-1's 600.00 is below the minimum

    body = (
        await gql(
            client,
            CONNECTIONS,
            await make_token("northwind"),
            {"id": encode_id("Customer", example["customer"].id)},
        )
    ).json()

    assert "errors" not in body, body
    c = body["data"]["customer"]
    assert c["invoices"]["totalCount"] == 3 and c["invoices"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["number"] for e in c["invoices"]["edges"]] == [
        example["inv1"].number,
        example["inv3"].number,
    ]
    assert c["open"]["totalCount"] == 3
    assert [e["node"] for e in c["payments"]["edges"]] == [
        {"amount": {"amount": "150.00"}, "receivedDate": "2026-06-20"},
        {"amount": {"amount": "400.00"}, "receivedDate": "2026-04-15"},
    ]
    assert [e["node"]["rule"] for e in c["alerts"]["edges"]] == ["invoice_overdue"]
