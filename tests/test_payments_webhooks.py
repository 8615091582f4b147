"""Stripe webhooks against the app: signatures, exactly-once application, any arrival order."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from datetime import UTC, date, datetime

import httpx
import pytest
import uvicorn

from app.alerts import service as alerts
from app.alerts.repository import AlertFilter
from app.models.enums import AlertStatus, ContactRole, PaymentStatus
from app.payments import checkout, repository
from app.payments.checkout import StartPayment
from app.receivables.service import balances_by_customer
from app.scope import Scope
from tests import payments_data as data
from tests.stripe_fixtures import DECLINED_CARD, event, free_port, intent, pay, secret, signed
from tests.test_payments_checkout import contact

TODAY = date(2026, 6, 1)
ON = int(datetime(2026, 6, 1, 17, 0, tzinfo=UTC).timestamp())  # events of TODAY (in Chicago too)


async def live_alerts(scope):
    return (await alerts.list_alerts(scope, AlertFilter(unresolved=True)))[0]


_ids = itertools.count(1)


async def deliver(client: httpx.AsyncClient, slug: str, evt: dict, webhook_secret: str | None = None):
    body, headers = signed(evt, webhook_secret or secret(slug, "webhook_secret"))
    return await client.post(f"/webhooks/stripe/{slug}", content=body, headers=headers)


async def world(scope_a, scope_b):
    acme = await data.customer(scope_a, "acme")
    one = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))
    two = await data.invoice(scope_a, acme, "INV-2", 5_000, date(2026, 4, 1))
    zeta = await data.customer(scope_b, "zeta", "EUR")
    eur = await data.invoice(scope_b, zeta, "INV-1", 7_000, date(2026, 3, 1))
    return acme, one, two, eur


async def started(registry, scope: Scope, customer_id: int, invoice_ids: list[int], key: str = "click-1"):
    config = registry.require(scope.tenant_slug).config.payments
    payer = contact(scope, {customer_id: ContactRole.PAYER})
    return await checkout.start_payment(
        scope=payer,
        request=StartPayment(invoice_ids, key),
        config=config,
        today=TODAY,
    )


def lifecycle(pi: dict, refunded: int, disputed: int) -> list[dict]:
    """Processing, success, a partial refund, a chargeback and an unknown type, in Stripe's order."""
    charge = f"ch_{pi['id']}"
    n = next(_ids)
    return [
        event(f"evt_{n}_1", "payment_intent.processing", pi | {"status": "processing"}),
        event(
            f"evt_{n}_2",
            "payment_intent.succeeded",
            pi | {"status": "succeeded", "amount_received": pi["amount"]},
        ),
        event(
            f"evt_{n}_3",
            "charge.refunded",
            {
                "id": charge,
                "object": "charge",
                "payment_intent": pi["id"],
                "amount": pi["amount"],
                "amount_refunded": refunded,
            },
        ),
        event(
            f"evt_{n}_4",
            "charge.dispute.created",
            {
                "id": f"dp_{n}",
                "object": "dispute",
                "charge": charge,
                "payment_intent": pi["id"],
                "amount": disputed,
                "currency": pi["currency"],
                "reason": "fraudulent",
            },
        ),
        event(f"evt_{n}_5", "customer.created", {"id": "cus_x", "object": "customer"}),
    ]


ORDERS = {
    "in order": lambda evts: evts,
    "reversed, each twice": lambda evts: [e for e in reversed(evts) for _ in range(2)],
    "refund first, success last, replayed": lambda evts: [
        evts[2],
        evts[3],
        evts[0],
        evts[2],
        evts[1],
        evts[1],
        evts[4],
    ],
}


@pytest.mark.parametrize("order", list(ORDERS))
async def test_given_a_payments_events_in_any_order_and_repeated_then_the_final_state_is_the_same(
    stripe_env, client, registry, scope_a, scope_b, order
):
    acme, one, two, eur = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id, two.id])
    pi = await intent(stripe_env, "northwind", start.payment_intent_id)

    for evt in ORDERS[order](lifecycle(pi, refunded=4_000, disputed=2_000)):
        answer = await deliver(client, "northwind", evt)
        assert answer.status_code == 200, answer.text

    payment = await repository.payment(scope_a, start.payment_id)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount == 15_000
    assert await repository.refunded_total(scope_a, payment.id) == 4_000
    assert await repository.net_allocations(scope_a, payment.id) == {one.id: 10_000, two.id: 1_000}
    assert await data.open_amounts(scope_a, one, two) == [0, 4_000]
    config = registry.require("northwind").config
    balances, _ = await balances_by_customer(scope_a, config, [acme.id], config.today())
    figures = balances[acme.id].base
    assert (figures.total_open, figures.unapplied, figures.net_balance, figures.overdue) == (
        4_000,
        0,
        4_000,
        4_000,
    )
    dispute = await repository.dispute_by_external_id(scope_a, f"dp_{next(_ids) - 1}")
    assert (dispute.kind, dispute.amount, dispute.customer_id) == ("chargeback", 2_000, acme.id)
    assert await data.open_amounts(scope_b, eur) == [7_000]


async def test_given_a_card_payment_when_it_succeeds_then_its_invoices_are_paid_once(
    stripe_env, client, registry, scope_a, scope_b
):
    acme, one, two, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [two.id, one.id])

    paid = await pay(stripe_env, "northwind", start.payment_intent_id)
    succeeded = event("evt_ok", "payment_intent.succeeded", paid)
    first, second = (
        await deliver(client, "northwind", succeeded),
        await deliver(client, "northwind", succeeded),
    )

    assert paid["status"] == "succeeded"
    assert (first.json()["outcome"], second.json()["outcome"]) == ("payment recorded", "duplicate")
    assert await data.open_amounts(scope_a, one, two) == [0, 0]


async def test_given_a_declined_card_then_the_failure_is_recorded_alerted_and_nothing_is_paid(
    stripe_env, client, registry, scope_a, scope_b
):
    acme, one, _, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])

    declined = await pay(stripe_env, "northwind", start.payment_intent_id, card=DECLINED_CARD)
    failed = await intent(stripe_env, "northwind", start.payment_intent_id)
    answer = await deliver(client, "northwind", event("evt_no", "payment_intent.payment_failed", failed, ON))

    assert "error" in declined and failed["status"] == "requires_payment_method"
    assert answer.json()["outcome"] == "failure recorded"
    payment = await repository.payment(scope_a, start.payment_id)
    assert payment.status == PaymentStatus.FAILED and payment.failure_message
    (alert,) = await live_alerts(scope_a)
    assert (alert.rule, alert.customer_id, alert.amount, alert.items) == (
        "payment_failed",
        acme.id,
        10_000,
        1,
    )
    assert await live_alerts(scope_b) == []
    assert await data.open_amounts(scope_a, one) == [10_000]


async def test_given_a_failure_event_after_the_payment_succeeded_then_no_alert_is_raised(
    stripe_env, client, registry, scope_a, scope_b
):
    """The bug this fixes: a late payment_failed left the payment SUCCEEDED but alerted anyway."""
    acme, one, _, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    paid = await pay(stripe_env, "northwind", start.payment_intent_id)

    await deliver(client, "northwind", event("evt_ok", "payment_intent.succeeded", paid, ON))
    late = await deliver(
        client,
        "northwind",
        event("evt_late", "payment_intent.payment_failed", paid | {"status": "failed"}, ON),
    )

    assert late.json()["outcome"] == "failure ignored: payment already final"
    assert (await repository.payment(scope_a, start.payment_id)).status == PaymentStatus.SUCCEEDED
    assert await live_alerts(scope_a) == []
    assert await data.open_amounts(scope_a, one) == [0]


async def test_given_a_declined_card_then_a_success_closes_the_alert_as_paid(
    stripe_env, client, registry, scope_a, scope_b
):
    acme, one, _, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    await pay(stripe_env, "northwind", start.payment_intent_id, card=DECLINED_CARD)
    failed = await intent(stripe_env, "northwind", start.payment_intent_id)
    await deliver(client, "northwind", event("evt_no", "payment_intent.payment_failed", failed, ON))
    (raised,) = await live_alerts(scope_a)

    # The payer tries another card on the same intent, and Stripe says it succeeded.
    paid = failed | {"status": "succeeded", "amount_received": failed["amount"]}
    await deliver(client, "northwind", event("evt_ok", "payment_intent.succeeded", paid, ON + 3600))

    assert await live_alerts(scope_a) == []
    (closed,) = (await alerts.list_alerts(scope_a, AlertFilter(status=AlertStatus.RESOLVED)))[0]
    assert closed.id == raised.id
    assert closed.resolution_note == f"paid: card payment {start.payment_intent_id} succeeded"
    assert await data.open_amounts(scope_a, one) == [0]


@pytest.mark.parametrize("who", ["forged", "cloudly's secret", "too old"])
async def test_given_a_bad_signature_then_400_and_nothing_stored(
    stripe_env, client, registry, scope_a, scope_b, who
):
    acme, one, _, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    pi = await intent(stripe_env, "northwind", start.payment_intent_id)
    evt = event("evt_bad", "payment_intent.succeeded", pi | {"status": "succeeded"})
    body, headers = signed(
        evt, secret("northwind", "webhook_secret"), timestamp=1_000_000 if who == "too old" else None
    )
    if who == "forged":
        body = body.replace(b'"amount": 10000', b'"amount": 99')
    elif who == "cloudly's secret":
        body, headers = signed(evt, secret("cloudly", "webhook_secret"))

    answer = await client.post("/webhooks/stripe/northwind", content=body, headers=headers)

    assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_signature"
    assert await repository.waiting_events(scope_a, pi["id"]) == []
    assert (await repository.payment(scope_a, start.payment_id)).status == PaymentStatus.PENDING
    assert await data.open_amounts(scope_a, one) == [10_000]


async def test_given_another_tenants_intent_signed_for_this_tenant_then_it_is_ignored(
    stripe_env, client, registry, scope_a, scope_b
):
    acme, one, _, eur = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    pi = await intent(stripe_env, "northwind", start.payment_intent_id)

    answer = await deliver(
        client, "cloudly", event("evt_x", "payment_intent.succeeded", pi | {"status": "succeeded"})
    )

    assert answer.status_code == 200 and answer.json()["outcome"].startswith("ignored")
    assert await data.open_amounts(scope_a, one) == [10_000]
    assert await data.open_amounts(scope_b, eur) == [7_000]


async def test_given_localstripes_own_signed_webhooks_when_paying_then_the_app_records_the_payment(
    stripe_env, settings, registry, scope_a, scope_b
):
    from app.web.app import create_app

    acme, one, two, _ = await world(scope_a, scope_b)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, registry, manage_database=False),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient() as http:
            registered = await http.post(
                f"{stripe_env}/_config/webhooks/northwind",
                data={
                    "url": f"http://127.0.0.1:{port}/webhooks/stripe/northwind",
                    "secret": secret("northwind", "webhook_secret"),
                },
            )
            registered.raise_for_status()
        start = await started(registry, scope_a, acme.id, [one.id, two.id])
        await pay(stripe_env, "northwind", start.payment_intent_id)

        for _ in range(100):
            payment = await repository.payment(scope_a, start.payment_id)
            if payment.status == PaymentStatus.SUCCEEDED:
                break
            await asyncio.sleep(0.1)
    finally:
        async with httpx.AsyncClient() as http:
            await http.post(
                f"{stripe_env}/_config/webhooks/northwind",
                data={"url": "http://127.0.0.1:9/", "secret": "whsec_unused"},
            )
        server.should_exit = True
        await serving

    assert payment.status == PaymentStatus.SUCCEEDED
    assert await data.open_amounts(scope_a, one, two) == [0, 0]


async def test_given_a_card_payment_when_staff_refund_it_then_stripe_refunds_and_the_webhook_repeat_is_a_no_op(
    stripe_env, client, registry, scope_a, scope_b
):
    from app.payments.refunds import refund_card_payment

    acme, one, two, eur = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id, two.id])
    paid = await pay(stripe_env, "northwind", start.payment_intent_id)
    await deliver(client, "northwind", event("evt_ok", "payment_intent.succeeded", paid))
    config = registry.require("northwind").config.payments

    await refund_card_payment(scope_a, start.payment_id, 6_000, config, TODAY)
    latest = (await intent(stripe_env, "northwind", start.payment_intent_id))["latest_charge"]
    charge = latest["id"] if isinstance(latest, dict) else latest  # localstripe expands it
    repeat = event(
        "evt_rf",
        "charge.refunded",
        {
            "id": charge,
            "object": "charge",
            "payment_intent": paid["id"],
            "amount": 15_000,
            "amount_refunded": 6_000,
        },
    )
    answer = await deliver(client, "northwind", repeat)

    assert answer.json()["outcome"] == "refund already recorded"
    assert await repository.refunded_total(scope_a, start.payment_id) == 6_000
    assert await data.open_amounts(scope_a, one, two) == [1_000, 5_000]
    assert await data.open_amounts(scope_b, eur) == [7_000]


async def test_given_a_delivery_that_failed_half_way_when_stripe_retries_then_the_payment_is_applied_once(
    stripe_env, client, registry, scope_a, scope_b, monkeypatch
):
    from app.payments import service as payments

    acme, one, two, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    paid = await pay(stripe_env, "northwind", start.payment_intent_id)
    succeeded = event("evt_retry", "payment_intent.succeeded", paid)
    apply = payments.apply_payment

    async def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(payments, "apply_payment", crash)
    failed = await deliver(client, "northwind", succeeded)
    monkeypatch.setattr(payments, "apply_payment", apply)
    retried, again = (
        await deliver(client, "northwind", succeeded),
        await deliver(client, "northwind", succeeded),
    )

    assert failed.status_code == 500
    assert (retried.json()["outcome"], again.json()["outcome"]) == ("payment recorded (retry)", "duplicate")
    assert await data.open_amounts(scope_a, one, two) == [0, 5_000]


async def test_given_an_intent_naming_another_tenants_invoices_then_it_is_acknowledged_and_rejected(
    stripe_env, client, registry, scope_a, scope_b
):
    acme, one, _, eur = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    pi = await intent(stripe_env, "northwind", start.payment_intent_id)
    pi["metadata"]["invoice_ids"] = str(eur.id)

    answer = await deliver(client, "northwind", event("evt_foreign", "payment_intent.succeeded", pi))

    assert answer.status_code == 200 and answer.json()["outcome"].startswith("rejected")
    assert await data.open_amounts(scope_a, one) == [10_000]
    assert await data.open_amounts(scope_b, eur) == [7_000]


def _malformed(pi: dict) -> dict[str, bytes | dict]:
    """Correctly signed bodies that are not events Stripe sends (each was a 500)."""
    meta = pi["metadata"]
    return {
        "a string": b'"hello"',
        "a list": b"[]",
        "no id": {"type": "payment_intent.succeeded", "data": {"object": pi}},
        "no object": {"id": "evt_m", "type": "payment_intent.succeeded", "data": {}},
        "no customer": event(
            "evt_m", "payment_intent.succeeded", pi | {"metadata": meta | {"customer_id": ""}}
        ),
        "huge customer": event(
            "evt_m", "payment_intent.succeeded", pi | {"metadata": meta | {"customer_id": str(2**70)}}
        ),
        "text amount": event("evt_m", "payment_intent.succeeded", pi | {"amount": "100"}),
        "bad plan": event(
            "evt_m", "payment_intent.processing", pi | {"metadata": meta | {"allocation": "x"}}
        ),
        "bad created": event("evt_m", "charge.refunded", {"id": "ch_1"}) | {"created": "yesterday"},
        "refund in words": event("evt_m", "charge.refunded", {"id": "ch_1", "amount_refunded": "all"}),
    }


MALFORMED = ["a string", "a list", "no id", "no object", "no customer", "huge customer", "text amount"]
MALFORMED += ["bad plan", "bad created", "refund in words"]


@pytest.mark.parametrize("shape", MALFORMED)
async def test_given_a_signed_but_malformed_event_then_400_invalid_event_and_nothing_stored(
    stripe_env, client, registry, scope_a, scope_b, shape
):
    acme, one, _, _ = await world(scope_a, scope_b)
    start = await started(registry, scope_a, acme.id, [one.id])
    pi = await intent(stripe_env, "northwind", start.payment_intent_id)
    malformed = _malformed(pi | {"status": "succeeded"})[shape]
    raw = malformed if isinstance(malformed, bytes) else json.dumps(malformed).encode()
    stamp = int(time.time())
    digest = hmac.new(
        secret("northwind", "webhook_secret").encode(), f"{stamp}.".encode() + raw, hashlib.sha256
    )

    answer = await client.post(
        "/webhooks/stripe/northwind",
        content=raw,
        headers={
            "Stripe-Signature": f"t={stamp},v1={digest.hexdigest()}",
            "Content-Type": "application/json",
        },
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_event"
    assert answer.json()["error"]["request_id"] == answer.headers["x-request-id"]
    assert await repository.waiting_events(scope_a, pi["id"]) == []
    assert (await repository.payment(scope_a, start.payment_id)).status == PaymentStatus.PENDING
    assert await data.open_amounts(scope_a, one) == [10_000]
