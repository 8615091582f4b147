"""Staff payments API: recordPayment, refundPayment, the payments connection and payment(id).

Balances computed by app/receivables (the dashboard's figures) must agree with what was allocated."""

from __future__ import annotations

from datetime import date

from app.models.enums import StaffRole
from app.payments import service
from app.receivables.service import balances_by_customer
from schema.common.ids import encode_id
from tests import payments_data as data
from tests.helpers import gql, make_token

RECORD = """
mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) {
    payment { id status amount { amount currencyCode } allocations { invoiceNumber amount { amount } } }
    userErrors { field code message }
  }
}"""
REFUND = """
mutation($input: RefundPaymentInput!) {
  refundPayment(input: $input) { payment { id refunded { amount } } userErrors { field code message } }
}"""
PAYMENTS = """
query($first: Int, $after: String, $filter: PaymentFilterInput) {
  payments(first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { id externalId method status amount { amount } refundOf } }
    pageInfo { hasNextPage endCursor }
  }
}"""
ONE = "query($id: ID!) { payment(id: $id) { id reference allocations { invoiceNumber amount { amount } } } }"


async def world(scope_a, scope_b):
    acme = await data.customer(scope_a, "acme")
    one = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))
    two = await data.invoice(scope_a, acme, "INV-2", 5_000, date(2026, 4, 1))
    zeta = await data.customer(scope_b, "zeta", "EUR")
    await data.invoice(scope_b, zeta, "INV-1", 7_000, date(2026, 3, 1))
    return acme, one, two, zeta


def wire(customer_id: int, amount: str, **more) -> dict:
    return {
        "input": {
            "customerId": encode_id("Customer", customer_id),
            "amount": amount,
            "currencyCode": "USD",
            "receivedDate": "2026-06-01",
            "method": "WIRE",
            "reference": "WIRE-1",
        }
        | more
    }


async def test_given_finance_when_recording_a_wire_then_it_is_allocated_listed_and_balances_agree(
    client, registry, scope_a, scope_b
):
    acme, *_ = await world(scope_a, scope_b)
    token, other = await make_token("northwind", StaffRole.FINANCE), await make_token("cloudly")

    recorded = (await gql(client, RECORD, token, wire(acme.id, "120.00", externalId="BANK-1"))).json()
    again = (await gql(client, RECORD, token, wire(acme.id, "120.00", externalId="BANK-1"))).json()
    listed = (await gql(client, PAYMENTS, token, {"first": 10})).json()["data"]["payments"]
    payment_id = recorded["data"]["recordPayment"]["payment"]["id"]
    theirs = (await gql(client, PAYMENTS, other, {"first": 10})).json()["data"]["payments"]
    hidden = (await gql(client, ONE, other, {"id": payment_id})).json()["data"]["payment"]

    payload = recorded["data"]["recordPayment"]
    assert payload["userErrors"] == []
    assert [(a["invoiceNumber"], a["amount"]["amount"]) for a in payload["payment"]["allocations"]] == [
        ("INV-1", "100.00"),
        ("INV-2", "20.00"),
    ]
    assert again["data"]["recordPayment"]["payment"]["id"] == payment_id
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["externalId"] == "BANK-1"
    assert theirs["totalCount"] == 0 and hidden is None
    config = registry.require("northwind").config
    balances, _ = await balances_by_customer(scope_a, config, [acme.id], date(2026, 6, 1))
    figures = balances[acme.id].base
    assert (figures.total_open, figures.unapplied, figures.net_balance) == (3_000, 0, 3_000)


async def test_given_bad_input_when_recording_then_user_errors_and_no_payment(client, scope_a, scope_b):
    acme, one, _, zeta = await world(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.FINANCE)

    foreign = (await gql(client, RECORD, token, wire(zeta.id, "10.00"))).json()["data"]["recordPayment"]
    precise = (await gql(client, RECORD, token, wire(acme.id, "10.001"))).json()["data"]["recordPayment"]
    mixed = (
        await gql(
            client,
            RECORD,
            token,
            wire(acme.id, "10.00", invoiceIds=[encode_id("Invoice", one.id)], currencyCode="EUR"),
        )
    ).json()["data"]["recordPayment"]

    assert [p["userErrors"][0]["code"] for p in (foreign, precise, mixed)] == [
        "not_found",
        "invalid_amount",
        "currency_mismatch",
    ]
    assert (await service.list_payments(scope_a, 0, 10))[1] == 0


async def test_given_a_viewer_when_recording_a_payment_then_forbidden(client, scope_a, scope_b):
    acme, *_ = await world(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)

    answer = (await gql(client, RECORD, token, wire(acme.id, "10.00"))).json()

    assert answer["data"] is None or answer["data"]["recordPayment"] is None
    assert answer["errors"][0]["extensions"]["code"] == "forbidden"
    assert (await service.list_payments(scope_a, 0, 10))[1] == 0


async def test_given_a_wire_when_refunding_through_stripe_then_not_refundable(client, scope_a, scope_b):
    acme, *_ = await world(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.FINANCE)
    payment_id = (await gql(client, RECORD, token, wire(acme.id, "10.00"))).json()["data"]["recordPayment"][
        "payment"
    ]["id"]

    refused = (await gql(client, REFUND, token, {"input": {"paymentId": payment_id}})).json()["data"][
        "refundPayment"
    ]

    assert refused["userErrors"][0]["code"] == "not_refundable"


async def test_given_a_card_payment_when_finance_refunds_it_then_stripe_refunds_and_balances_rise(
    stripe_env, client, registry, scope_a, scope_b
):
    from tests.stripe_fixtures import event, pay
    from tests.test_payments_webhooks import deliver, started

    acme, one, two, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id, two.id])
    await deliver(
        client,
        "northwind",
        event(
            "evt_ok", "payment_intent.succeeded", await pay(stripe_env, "northwind", start.payment_intent_id)
        ),
    )
    token = await make_token("northwind", StaffRole.FINANCE)
    payment_id = encode_id("Payment", start.payment_id)

    refunded = (
        await gql(client, REFUND, token, {"input": {"paymentId": payment_id, "amount": "50.00"}})
    ).json()
    listed = (await gql(client, PAYMENTS, token, {"first": 10})).json()["data"]["payments"]["edges"]

    assert refunded["data"]["refundPayment"]["payment"]["refunded"] == {"amount": "50.00"}
    assert [(e["node"]["amount"]["amount"], e["node"]["refundOf"]) for e in listed] == [
        ("-50.00", payment_id),
        ("150.00", None),
    ]
    balances, _ = await balances_by_customer(
        scope_a, registry.require("northwind").config, [acme.id], date.today()
    )
    assert balances[acme.id].base.net_balance == 5_000
