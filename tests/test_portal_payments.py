"""``startPayment`` through the portal's GraphQL, as a signed-in contact's browser calls it."""

from __future__ import annotations

from datetime import date

from app.models.enums import ContactRole
from app.payments import service as payments_service
from app.tenancy.service import system_scope
from schema.common import ids
from tests import auth_data
from tests import payments_data as data
from tests.signin_flow import graphql, person, sign_in
from tests.stripe_fixtures import free_port, intents

START = """
mutation($input: StartPaymentInput!) {
  startPayment(input: $input) {
    payment { id clientSecret publishableKey amount currencyCode }
    userErrors { field code message }
  }
}"""


async def world():
    a, b = await system_scope("northwind"), await system_scope("cloudly")
    acme, beta = await data.customer(a, "acme"), await data.customer(a, "beta")
    one = await data.invoice(a, acme, "INV-1", 10_000, date(2026, 3, 1))
    two = await data.invoice(a, acme, "INV-2", 5_000, date(2026, 4, 1))
    other = await data.invoice(a, beta, "INV-3", 2_000, date(2026, 4, 1))
    zeta = await data.customer(b, "zeta", "EUR")
    foreign = await data.invoice(b, zeta, "INV-1", 7_000, date(2026, 3, 1))
    await auth_data.contact(a, "carla@acme.example", {acme.id: ContactRole.PAYER})
    return one, two, other, foreign


def invoice_ids(*invoices) -> list[str]:
    return [ids.encode_id("Invoice", i.id) for i in invoices]


async def start(browser, invoices: list[str], key: str = "click-1", **more):
    answer = await graphql(
        browser,
        "/portal/graphql",
        START,
        "portal",
        {"input": {"invoiceIds": invoices, "idempotencyKey": key} | more},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["startPayment"]


async def test_given_a_signed_in_payer_when_starting_a_payment_twice_then_one_intent_with_the_open_total(
    stripe_env, browser, providers
):
    one, two, *_ = await world()
    await sign_in(browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@acme.example"))

    first = await start(browser, invoice_ids(one, two))
    again = await start(browser, invoice_ids(one, two))

    assert first["userErrors"] == [] and first["payment"]["amount"] == "150.00"
    assert first["payment"]["publishableKey"] == "pk_test_northwind_0001"
    assert again["payment"] == first["payment"]
    assert len(await intents(stripe_env, "northwind")) == 1


async def test_given_a_payer_when_paying_others_invoices_or_too_much_then_user_errors_and_no_intent(
    stripe_env, browser, providers
):
    one, two, other, foreign = await world()
    await sign_in(browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@acme.example"))

    answers = [
        await start(browser, invoice_ids(one, other), "k1"),
        await start(browser, invoice_ids(foreign), "k2"),
        await start(browser, invoice_ids(one, two), "k3", amount="150.01"),
        await start(browser, ["not-an-id"], "k4"),
    ]

    codes = [a["userErrors"][0]["code"] for a in answers]
    assert codes == ["not_found", "not_found", "above_open_total", "not_found"]
    assert all(a["payment"] is None for a in answers)
    assert answers[2]["userErrors"][0]["field"] == ["amount"]
    assert await intents(stripe_env, "northwind") == []


async def test_given_stripe_not_answering_when_starting_a_payment_then_a_user_error_and_nothing_stored(
    stripe_env, browser, providers, monkeypatch
):
    one, *_ = await world()
    await sign_in(browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@acme.example"))
    monkeypatch.setenv("LEDGERPORT_STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")  # nothing listens

    refused = await start(browser, invoice_ids(one))
    staff = await system_scope("northwind")

    assert refused["payment"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "payment_provider_unavailable" and "Nothing was charged" in error["message"]
    assert (await payments_service.list_payments(staff, 0, 10))[1] == 0
    assert await intents(stripe_env, "northwind") == []
