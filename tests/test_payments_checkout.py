"""Starting card payments against localstripe: checks, one intent per click, Stripe's minor units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.models.enums import ContactRole, PaymentStatus
from app.payments import checkout, repository
from app.payments.checkout import StartPayment
from app.scope import PrincipalKind, Scope
from tests import payments_data as data
from tests.stripe_fixtures import DECLINED_CARD, GOOD_CARD, NEEDS_ACTION_CARD, card_token, intent, intents

TODAY = date(2026, 6, 1)


def contact(scope: Scope, grants: dict[int, ContactRole], principal_id: int = 7) -> Scope:
    return Scope(
        scope.tenant_id,
        scope.tenant_slug,
        PrincipalKind.CONTACT,
        "carla@acme.example",
        customer_ids=frozenset(grants),
        contact_roles=grants,
        principal_id=principal_id,
    )


async def start(registry, scope: Scope, request: StartPayment):
    config = registry.require(scope.tenant_slug).config.payments
    return await checkout.start_payment(scope, request, config, TODAY)


async def world(scope_a, scope_b):
    acme, beta = await data.customer(scope_a, "acme"), await data.customer(scope_a, "beta")
    one = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))
    two = await data.invoice(scope_a, acme, "INV-2", 5_000, date(2026, 4, 1))
    betas = await data.invoice(scope_a, beta, "INV-3", 2_000, date(2026, 4, 1))
    zeta = await data.customer(scope_b, "zeta", "EUR")
    eur = await data.invoice(scope_b, zeta, "INV-1", 7_000, date(2026, 3, 1))
    return acme, one, two, betas, zeta, eur


async def test_given_two_invoices_when_starting_without_amount_then_one_intent_for_their_open_total(
    stripe_env, registry, scope_a, scope_b
):
    acme, one, two, *_ = await world(scope_a, scope_b)
    payer = contact(scope_a, {acme.id: ContactRole.PAYER})

    started = await start(registry, payer, StartPayment([one.id, two.id], "click-1"))

    made = await intent(stripe_env, "northwind", started.payment_intent_id)
    assert (made["amount"], made["currency"], started.amount) == (15_000, "usd", 15_000)
    assert made["metadata"] == {
        "tenant": "northwind",
        "customer_id": str(acme.id),
        "invoice_ids": f"{one.id},{two.id}",
        "invoice_numbers": "INV-1,INV-2",
        "allocation": "oldest_first",
    }
    assert started.client_secret == made["client_secret"] and started.publishable_key.startswith(
        "pk_test_north"
    )
    payment = await repository.payment(scope_a, started.payment_id)
    assert payment.status == PaymentStatus.PENDING


async def test_given_a_double_click_when_starting_twice_then_one_intent_and_one_stripe_customer(
    stripe_env, registry, scope_a, scope_b
):
    acme, one, two, *_ = await world(scope_a, scope_b)
    payer = contact(scope_a, {acme.id: ContactRole.PAYER})

    first = await start(registry, payer, StartPayment([one.id, two.id], "click-1"))
    again = await start(registry, payer, StartPayment([one.id, two.id], "click-1"))
    later = await start(registry, payer, StartPayment([two.id], "click-2"))

    assert (again.payment_intent_id, again.client_secret) == (first.payment_intent_id, first.client_secret)
    made = await intents(stripe_env, "northwind")
    assert sorted(i["id"] for i in made) == sorted({first.payment_intent_id, later.payment_intent_id})
    assert len({i["customer"] for i in made}) == 1
    with pytest.raises(Conflict):
        await start(registry, payer, StartPayment([one.id], "click-1"))


async def test_given_another_customers_or_tenants_invoice_when_starting_then_not_found_and_no_intent(
    stripe_env, registry, scope_a, scope_b
):
    acme, one, _, betas, _, eur = await world(scope_a, scope_b)
    payer = contact(scope_a, {acme.id: ContactRole.PAYER})

    with pytest.raises(NotFound):
        await start(registry, payer, StartPayment([one.id, betas.id], "click-1"))
    with pytest.raises(NotFound):
        await start(registry, payer, StartPayment([eur.id], "click-2"))

    assert await intents(stripe_env, "northwind") == []
    assert await repository.payment_by(scope_a, customer_id=acme.id) is None


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("150.01", "above_open_total"),
        ("9.99", "below_minimum"),
        ("1.234", "invalid_amount"),
        ("0", "below_minimum"),
    ],
)
async def test_given_a_bad_amount_when_starting_then_a_clear_error_and_no_intent(
    stripe_env, registry, scope_a, scope_b, amount, code
):
    acme, one, two, *_ = await world(scope_a, scope_b)
    payer = contact(scope_a, {acme.id: ContactRole.PAYER})

    with pytest.raises(ValidationFailed) as raised:
        await start(registry, payer, StartPayment([one.id, two.id], "click-1", Decimal(amount)))

    assert raised.value.code == code
    assert await intents(stripe_env, "northwind") == []


async def test_given_a_tenant_without_partial_payments_when_paying_part_then_refused(
    stripe_env, registry, scope_a, scope_b
):
    *_, zeta, eur = await world(scope_a, scope_b)
    payer = contact(scope_b, {zeta.id: ContactRole.ADMIN})

    with pytest.raises(ValidationFailed) as raised:
        await start(registry, payer, StartPayment([eur.id], "click-1", Decimal("20.00")))
    whole = await start(registry, payer, StartPayment([eur.id], "click-2", Decimal("70.00")))

    assert raised.value.code == "partial_not_allowed"
    assert (await intent(stripe_env, "cloudly", whole.payment_intent_id))["currency"] == "eur"


async def test_given_a_viewer_contact_when_starting_then_forbidden(stripe_env, registry, scope_a, scope_b):
    acme, one, *_ = await world(scope_a, scope_b)

    with pytest.raises(PermissionDenied):
        await start(registry, contact(scope_a, {acme.id: ContactRole.VIEWER}), StartPayment([one.id], "k"))


async def test_given_a_zero_decimal_currency_when_starting_then_stripe_gets_whole_yen(
    stripe_env, registry, scope_a, scope_b
):
    await world(scope_a, scope_b)
    tokyo = await data.customer(scope_a, "tokyo", "JPY")
    yen = await data.invoice(scope_a, tokyo, "INV-9", 123_456, date(2026, 3, 1))

    started = await start(
        registry, contact(scope_a, {tokyo.id: ContactRole.PAYER}), StartPayment([yen.id], "k")
    )

    made = await intent(stripe_env, "northwind", started.payment_intent_id)
    assert (made["amount"], made["currency"]) == (123_456, "jpy")


@pytest.mark.parametrize(
    ("card", "state"),
    [(GOOD_CARD, "succeeded"), (DECLINED_CARD, "declined"), (NEEDS_ACTION_CARD, "needs_action")],
)
async def test_given_a_tokenised_card_when_confirming_then_the_page_learns_the_state(
    stripe_env, registry, scope_a, scope_b, card, state
):
    acme, one, *_ = await world(scope_a, scope_b)
    payer = contact(scope_a, {acme.id: ContactRole.PAYER})
    started = await start(registry, payer, StartPayment([one.id], "click-1"))
    config = registry.require("northwind").config.payments

    confirmed = await checkout.confirm_payment(
        payer, started.payment_id, await card_token(stripe_env, "northwind", card), config
    )

    assert confirmed.state == state
    assert (confirmed.message != "") == (state == "declined")
    assert (await repository.payment(scope_a, started.payment_id)).status == PaymentStatus.PENDING
