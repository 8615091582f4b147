"""Each domain emits its events through ``app.webhooks.events.emit`` in the transaction of the change:
payments (recorded, failed, refunded, chargeback), imports (invoices, credit notes, the batch), support
requests, disputes, promises and alerts. Payloads show ids and money as the staff API does and carry the
object's version; tenant B's endpoint hears none of tenant A's events; a refused change emits nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.alerts import service as alerts
from app.disputes import service as disputes
from app.errors import ValidationFailed
from app.ids import decode_id, encode_id
from app.ingest.service import import_batch
from app.models.enums import PaymentMethod
from app.payments import service as payments
from app.payments import webhooks as stripe_webhooks
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentRequest
from app.portal import details, promises
from app.support import service as support
from tests import builders
from tests import payments_data as data
from tests.ingest_batches import worked_example
from tests.portal_data import contact_scope, world
from tests.webhook_world import emitted, listen, types

ON = int(datetime(2026, 6, 1, 17, tzinfo=UTC).timestamp())


def stripe_event(event_id: str, kind: str, obj: dict) -> dict:
    return {"id": event_id, "type": kind, "created": ON, "data": {"object": obj}}


async def test_payments_emit_succeeded_failed_refunded_and_the_chargeback_opens_a_dispute(scope_a, scope_b):
    await listen(scope_a, scope_b)
    acme = await data.customer(scope_a, "acme")
    inv = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))
    intent = {
        "id": "pi_1",
        "object": "payment_intent",
        "amount": 10_000,
        "currency": "usd",
        "metadata": {"tenant": "northwind", "customer_id": str(acme.id), "invoice_ids": str(inv.id)},
        "last_payment_error": {"message": "card declined"},
    }
    tz = "America/Chicago"

    await stripe_webhooks.receive(scope_a, stripe_event("evt_1", "payment_intent.payment_failed", intent), tz)
    await stripe_webhooks.receive(scope_a, stripe_event("evt_2", "payment_intent.succeeded", intent), tz)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_1",
        "amount": 10_000,
        "amount_refunded": 2_500,
    }
    await stripe_webhooks.receive(scope_a, stripe_event("evt_3", "charge.refunded", charge), tz)
    chargeback = {
        "id": "dp_1",
        "object": "dispute",
        "charge": "ch_1",
        "payment_intent": "pi_1",
        "amount": 1_000,
        "currency": "usd",
        "reason": "fraudulent",
    }
    await stripe_webhooks.receive(scope_a, stripe_event("evt_4", "charge.dispute.created", chargeback), tz)
    await stripe_webhooks.receive(scope_a, stripe_event("evt_2b", "payment_intent.succeeded", intent), tz)

    events = await emitted(scope_a)
    assert types(events) == [
        "payment.failed",
        "alert.raised",  # the customer's payment_failed alert (docs/alerts.md)
        "payment.succeeded",
        "invoice.paid",
        "payment.refunded",
        "dispute.opened",
    ]
    failed, alert, succeeded, invoice_paid, refunded, opened = (d for _, d in events)
    assert invoice_paid["id"] == encode_id("Invoice", inv.id) and invoice_paid["status"] == "paid"
    assert alert["rule"] == "payment_failed" and alert["customerId"] == encode_id("Customer", acme.id)
    assert (
        failed["id"] == succeeded["id"]
        and failed["status"] == "failed"
        and succeeded["status"] == "succeeded"
    )
    assert failed["failureMessage"] == "card declined" and succeeded["failureMessage"] is None
    assert succeeded["version"] > failed["version"]  # receivers keep the newer of the two
    assert succeeded["amount"] == {"amount": "100.00", "currencyCode": "USD"}
    assert succeeded["customerId"] == encode_id("Customer", acme.id)
    assert (
        refunded["amount"] == {"amount": "-25.00", "currencyCode": "USD"}
        and refunded["refundOf"] == succeeded["id"]
    )
    assert opened["kind"] == "chargeback" and opened["amount"] == {"amount": "10.00", "currencyCode": "USD"}
    assert await emitted(scope_b) == []


async def test_a_manual_payment_emits_payment_succeeded_then_invoice_paid_and_a_refused_one_nothing(
    scope_a, scope_b
):
    await listen(scope_a, scope_b)
    acme = await data.customer(scope_a, "acme")
    inv = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))

    def wire(amount, key, plan=AllocationPlan.OLDEST_FIRST):
        return PaymentRequest(
            customer_id=acme.id,
            amount=amount,
            currency="USD",
            received_date=date(2026, 6, 1),
            method=PaymentMethod.WIRE,
            external_id=key,
            plan=plan,
        )

    paid = await payments.record_manual_payment(scope_a, wire(4_000, "w-1"))
    settling = await payments.record_manual_payment(scope_a, wire(6_000, "w-3"))
    with pytest.raises(ValidationFailed):  # AS_SELECTED without invoices: refused before any write
        await payments.record_manual_payment(scope_a, wire(4_000, "w-2", plan=AllocationPlan.AS_SELECTED))
    await payments.record_manual_payment(scope_a, wire(4_000, "w-1"))  # the same payment again: no event

    events = await emitted(scope_a)
    assert [(t, d["id"]) for t, d in events] == [
        ("payment.succeeded", encode_id("Payment", paid.id)),
        ("payment.succeeded", encode_id("Payment", settling.id)),
        ("invoice.paid", encode_id("Invoice", inv.id)),  # the second payment settled it
    ]
    assert events[-1][1]["status"] == "paid"
    assert events[-1][1]["open"] == {"amount": "0.00", "currencyCode": "USD"}
    assert await emitted(scope_b) == []


async def test_an_import_emits_per_record_events_and_import_completed_and_a_refused_batch_nothing(
    scope_a, scope_b
):
    await listen(scope_a, scope_b)
    await import_batch(scope_a, worked_example())
    first = await emitted(scope_a)

    assert types(first) == ["invoice.created"] * 3 + ["credit_note.created", "import.completed"]
    invoices = {d["number"]: d for t, d in first if t == "invoice.created"}
    assert invoices["INV-1"]["total"] == {"amount": "1000.00", "currencyCode": "USD"}
    assert invoices["INV-1"]["open"] == {"amount": "600.00", "currencyCode": "USD"}  # PAY-1 took 400.00
    assert first[-1][1]["counts"]["invoices"] == {"created": 3, "updated": 0, "unchanged": 0}

    batch = worked_example()
    batch["invoices"][1]["poNumber"] = "PO-NEW"
    await import_batch(scope_a, batch)
    second = (await emitted(scope_a))[len(first) :]
    assert types(second) == ["invoice.updated", "import.completed"]
    assert second[0][1]["number"] == batch["invoices"][1]["number"]

    bad = worked_example()
    bad["invoices"].append(dict(bad["invoices"][0], externalId="INV-9", number="INV-9", customer="NOPE"))
    with pytest.raises(ValidationFailed):
        await import_batch(scope_a, bad)
    assert len(await emitted(scope_a)) == len(first) + len(second)
    assert await emitted(scope_b) == []


async def test_support_disputes_and_promises_emit_their_events_for_the_contacts_tenant_only(
    scope_a, scope_b, registry
):
    w = await world()
    await listen(scope_a, scope_b)
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")

    request = await support.create(carla, northwind, w.x.id, "Freight", "Why freight?")
    await support.staff_reply(scope_a, northwind, request.id, "internal only", internal=True)
    await support.staff_reply(scope_a, northwind, request.id, "Per clause 4.")
    dispute = await disputes.open_dispute(carla, northwind, w.x_invoices[0].id, 10_000, "pricing", "Too much")
    await disputes.decide(scope_a, northwind, dispute.id, "accept")
    promise = await promises.promise_to_pay(carla, w.x.id, northwind, [w.x_invoices[1].id], w.today, 5_000)

    events = await emitted(scope_a)
    assert types(events) == [
        "support.request_created",
        "support.request_answered",
        "support.request_created",  # the dispute's thread
        "dispute.opened",
        "credit_note.created",  # the accepted dispute's credit note, through the ingest
        "import.completed",
        "dispute.decided",
        "promise.created",
    ]
    by_type = dict(events)
    assert by_type["support.request_answered"]["status"] == "waiting_on_customer"
    assert by_type["dispute.decided"]["status"] == "accepted"
    assert by_type["dispute.decided"]["acceptedAmount"] == {"amount": "100.00", "currencyCode": "USD"}
    assert by_type["promise.created"]["id"] == encode_id("PromiseToPay", promise.id)
    assert by_type["promise.created"]["invoiceIds"] == [encode_id("Invoice", w.x_invoices[1].id)]
    assert await emitted(scope_b) == []


async def test_an_alert_evaluation_emits_alert_raised_once_per_new_alert(scope_a, scope_b, registry):
    await listen(scope_a, scope_b)
    config = registry.require("northwind").config
    config = config.model_copy(
        update={"alerts": config.alerts.model_copy(update={"minimum_amount": Decimal(0)})}
    )
    slow = await builders.customer(scope_a, "Slow")
    await builders.invoice(scope_a, slow, 10000, "2026-04-01", "2026-05-01")
    elsewhere = await builders.customer(scope_b, "Elsewhere", currency="EUR")
    await builders.invoice(scope_b, elsewhere, 10000, "2026-04-01", "2026-05-01", currency="EUR")

    await alerts.evaluate(scope_a, config, date(2026, 6, 5))
    raised = await emitted(scope_a)
    await alerts.evaluate(scope_a, config, date(2026, 6, 6))  # the same alert, a day older: nothing new

    assert [(t, d["rule"], d["customerId"]) for t, d in raised] == [
        ("alert.raised", "invoice_overdue", encode_id("Customer", slow.id))
    ]
    assert decode_id("Alert", raised[0][1]["id"]) > 0  # the id the staff API's Alert.id shows
    assert await emitted(scope_a) == raised
    assert await emitted(scope_b) == []


async def test_a_contacts_billing_change_raises_its_staff_alert_as_alert_raised(scope_a, scope_b):
    w = await world()
    await listen(scope_a, scope_b)
    carla = await contact_scope("carla@xenon.example")

    with pytest.raises(ValidationFailed):  # refused: no row, no alert, no event
        await details.update_billing_details(carla, w.x.id, "", "", "nope")
    await details.update_billing_details(carla, w.x.id, "2 New Road", "US-1", "ap@xenon.example")

    [(kind, data)] = await emitted(scope_a)
    assert (kind, data["rule"], data["severity"]) == ("alert.raised", "billing_details_changed", "info")
    assert data["customerId"] == encode_id("Customer", w.x.id)
    assert await emitted(scope_b) == []
