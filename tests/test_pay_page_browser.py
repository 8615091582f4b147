"""The pay page in Chromium: sign in, pick two invoices, pay with a test card, see the receipt."""

from __future__ import annotations

import httpx
import pytest

from app.models.enums import PaymentStatus, StaffRole
from app.payments import repository
from app.tenancy.service import system_scope
from schema.common import ids
from tests.browser import assert_accessible, screenshots, sign_in
from tests.helpers import make_token
from tests.portal_data import world
from tests.signin_flow import person
from tests.stripe_fixtures import DECLINED_CARD, GOOD_CARD, NEEDS_ACTION_CARD, deliver_webhooks_to

STAFF_VIEW = """
query($customer: ID!) {
  payments(first: 1, filter: {customerId: $customer}) { edges { node { method status amount { amount } } } }
  customer(id: $customer) { balances { netBalance { amount } } }
}"""


async def staff_view(live_server: str, customer_id: int) -> dict:
    """What the dashboard sees over the staff API of the live server."""
    token = await make_token("northwind", StaffRole.FINANCE)
    async with httpx.AsyncClient(base_url=live_server) as http:
        answer = await http.post(
            "/graphql",
            json={"query": STAFF_VIEW, "variables": {"customer": ids.encode_id("Customer", customer_id)}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert "errors" not in answer.json(), answer.text
    return answer.json()["data"]


async def fill_card(page, number: str) -> None:
    """localstripe's fake card element: one plain input per field."""
    await page.fill("#card-element input[placeholder=number]", number)
    await fill_card_details(page)


async def fill_card_details(page) -> None:
    """Everything of the card but its number."""
    await page.fill("#card-element input[placeholder=exp_month]", "12")
    await page.fill("#card-element input[placeholder=exp_year]", "34")
    await page.fill("#card-element input[placeholder=cvc]", "123")
    await page.fill("#card-element input[placeholder=postal_code]", "12345")


async def open_pay_page(page, live_server, providers, stripe_env):
    w = await world()
    await deliver_webhooks_to(stripe_env, "northwind", live_server)
    await sign_in(
        page, live_server, "northwind", await person(providers["a"], "carla@xenon.example", "Carla")
    )
    account = ids.encode_id("Account", w.x.id)
    await page.goto(f"{live_server}/portal/accounts/{account}/pay", wait_until="networkidle")
    return w, account


async def test_given_a_payer_when_paying_two_invoices_by_card_then_the_receipt_and_lower_balance_show(
    stripe_env, live_server, page, providers
):
    w, account = await open_pay_page(page, live_server, providers, stripe_env)
    old, _, late, _ = w.x_invoices

    await page.check(f"#inv-{ids.encode_id('Invoice', old.id)}")
    await page.check(f"#inv-{ids.encode_id('Invoice', late.id)}")
    assert await page.text_content("#pay-total") == "$1,200.00"
    await assert_accessible(page)
    await fill_card(page, GOOD_CARD)
    await page.click("#pay-button")
    await page.wait_for_url("**/receipt", wait_until="domcontentloaded")
    await page.wait_for_selector("#receipt-status[data-state=succeeded]", timeout=15_000)

    assert "INV-X1" in await page.text_content("main") and "INV-X3" in await page.text_content("main")
    await screenshots(page, "pay-receipt")
    await page.goto(f"{live_server}/portal/accounts/{account}", wait_until="domcontentloaded")
    assert await page.text_content("[data-figure=balance]") == "$2,350.00"
    scope = await system_scope("northwind")
    opened = {i.id: i.open_amount for i in await repository.open_invoices(scope, customer_id=w.x.id)}
    assert (opened[old.id], opened[late.id]) == (0, 0)
    staff = await staff_view(live_server, w.x.id)
    assert staff["payments"]["edges"][0]["node"] == {
        "method": "card",
        "status": "SUCCEEDED",
        "amount": {"amount": "1200.00"},
    }
    assert staff["customer"]["balances"]["netBalance"]["amount"] == "2350.00"


async def test_given_a_declined_card_when_paying_then_the_page_says_so_and_nothing_is_paid(
    stripe_env, live_server, page, providers
):
    w, _ = await open_pay_page(page, live_server, providers, stripe_env)
    old = w.x_invoices[0]

    await page.check(f"#inv-{ids.encode_id('Invoice', old.id)}")
    await fill_card(page, DECLINED_CARD)
    await page.click("#pay-button")
    await page.wait_for_selector("#pay-status[data-state=declined]", timeout=15_000)

    scope = await system_scope("northwind")
    payment = await repository.payment_by(scope, customer_id=w.x.id, method="card")
    assert payment.status in (PaymentStatus.PENDING, PaymentStatus.FAILED)
    opened = {i.id: i.open_amount for i in await repository.open_invoices(scope, customer_id=w.x.id)}
    assert opened[old.id] == 60_000


async def test_given_a_card_that_needs_3d_secure_when_the_payer_confirms_then_the_payment_succeeds(
    stripe_env, live_server, page, providers
):
    w, _ = await open_pay_page(page, live_server, providers, stripe_env)
    late = w.x_invoices[2]

    await page.check(f"#inv-{ids.encode_id('Invoice', late.id)}")
    await fill_card(page, NEEDS_ACTION_CARD)
    await page.click("#pay-button")
    await page.wait_for_selector("#pay-status[data-state=needs-action]", timeout=15_000)
    await page.click("button:has-text('Complete authentication')")
    await page.wait_for_url("**/receipt", wait_until="domcontentloaded")
    await page.wait_for_selector("#receipt-status[data-state=succeeded]", timeout=15_000)

    scope = await system_scope("northwind")
    opened = {i.id: i.open_amount for i in await repository.open_invoices(scope, customer_id=w.x.id)}
    assert opened[late.id] == 0


@pytest.mark.parametrize("entry", ["typed", "pasted"])
async def test_given_a_card_number_with_spaces_as_on_the_card_then_it_is_accepted_and_the_payment_succeeds(
    stripe_env, live_server, page, providers, entry
):
    w, _ = await open_pay_page(page, live_server, providers, stripe_env)
    old = w.x_invoices[0]
    spaced = " ".join(GOOD_CARD[i : i + 4] for i in range(0, 16, 4))  # "4242 4242 4242 4242"
    number = page.locator("#card-element input[placeholder=number]")

    await page.check(f"#inv-{ids.encode_id('Invoice', old.id)}")
    if entry == "typed":
        await number.press_sequentially(spaced)
    else:
        await number.fill(spaced)
    typed = await number.input_value()
    await fill_card_details(page)
    await page.click("#pay-button")
    await page.wait_for_url("**/receipt", wait_until="domcontentloaded")
    await page.wait_for_selector("#receipt-status[data-state=succeeded]", timeout=15_000)

    assert typed == spaced  # typing went on past 16 characters: the field counts digits
    scope = await system_scope("northwind")
    opened = {i.id: i.open_amount for i in await repository.open_invoices(scope, customer_id=w.x.id)}
    assert opened[old.id] == 0
