"""Stripe webhook events: verified, stored once, applied so that any arrival order ends the same.

* The raw body's signature is checked with the tenant's webhook secret and a tolerance; a bad one is
  refused before anything is stored.
* Every event id is stored once; a repeat is acknowledged and ignored.
* ``payment_intent.succeeded`` records the payment and its allocations through ``service.apply_payment``
  (idempotent by intent id). ``processing`` and ``payment_failed`` only move a payment that has not
  succeeded (pending < failed < succeeded), so a late ``processing`` never undoes a success. A failure
  that moved nothing (the payment had succeeded or was refunded) raises no alert; a recorded one, and a
  success, re-evaluate the customer's ``payment_failed`` alert (app.alerts), which a success closes.
* ``charge.refunded`` and ``charge.dispute.created`` need the payment; when they arrive first they wait
  (stored, unprocessed) and are applied right after the payment is recorded.
* Unknown types are stored and ignored.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import stripe

from app import clock
from app.alerts import service as alerts
from app.errors import LedgerportError
from app.models import Payment, StripeEvent
from app.models.enums import DisputeKind, PaymentMethod, PaymentStatus
from app.payments import repository, service, stripe_events
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentRequest
from app.payments.stripe_gateway import from_stripe_amount
from app.scope import Scope
from app.webhooks import payloads
from app.webhooks.events import emit

log = logging.getLogger("ledgerport.payments.webhooks")
TOLERANCE_SECONDS = 300
RECORDED = "payment recorded"
RANK = {PaymentStatus.PENDING: 0, PaymentStatus.FAILED: 1, PaymentStatus.SUCCEEDED: 2}


class BadSignature(LedgerportError):
    """The event is not signed with this tenant's webhook secret (or is too old)."""

    code = "bad_signature"


def verify(
    payload: bytes, signature: str, secret: str, tenant: str, tolerance: int = TOLERANCE_SECONDS
) -> dict:
    """The event in ``payload`` if Stripe signed it with ``secret`` within ``tolerance`` seconds and it
    is shaped as an event (``stripe_events.InvalidEvent`` otherwise)."""
    try:
        # Only the signature: Stripe's own event building failed with a 500 on a body that is not an event.
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(f"signature check failed: {exc}") from None
    return stripe_events.parse(payload, tenant)


def _intent_of(obj: dict) -> str | None:
    if obj.get("object") == "payment_intent":
        return obj.get("id")
    intent = obj.get("payment_intent")
    return intent.get("id") if isinstance(intent, dict) else intent


async def receive(scope: Scope, event: dict, timezone: str) -> str:
    """Store a verified event once and apply it; returns what happened, for the log and the test."""
    obj = event.get("data", {}).get("object", {})
    stored, new = await repository.store_event(
        scope, event["id"], event.get("type", ""), event, _intent_of(obj)
    )
    if not new and stored.processed_at is not None:
        return "duplicate"
    # New, or stored by a delivery that failed half-way (Stripe retries it): applying is idempotent.
    try:
        outcome = await _apply(scope, stored, ZoneInfo(timezone))
    except LedgerportError as exc:
        # The event names something this tenant does not have (a deleted customer, foreign invoices):
        # retrying cannot help, so it is acknowledged, kept, and logged for a person to look at.
        await _done(stored)
        outcome = f"rejected: {exc.message}"
        log.warning("stripe event %s (%s) rejected: %s", stored.event_id, stored.type, exc.message)
        return outcome
    log.info("stripe event %s (%s): %s", stored.event_id, stored.type, outcome)
    return outcome if new else f"{outcome} (retry)"


async def _apply(scope: Scope, stored: StripeEvent, tz: ZoneInfo) -> str:
    handler = HANDLERS.get(stored.type)
    if handler is None:
        await _done(stored)
        return "ignored"
    obj = stored.payload["data"]["object"]
    outcome = await handler(scope, obj, _day(stored.payload, tz))
    if outcome != "waiting":
        await _done(stored)
    if outcome == RECORDED:
        for waiting in await repository.waiting_events(scope, obj["id"]):
            await _apply(scope, waiting, tz)
    return outcome


async def _done(stored: StripeEvent) -> None:
    stored.processed_at = clock.now()
    await repository.save(stored)


def _day(event: dict, tz: ZoneInfo) -> date:
    """The business date of an event: when Stripe created it, in the tenant's time zone."""
    created = event.get("created")
    moment = datetime.fromtimestamp(created, UTC) if created else clock.now()
    return moment.astimezone(tz).date()


def _ours(scope: Scope, intent: dict) -> bool:
    """Intents made by another tenant (one Stripe account shared in a demo) are not ours to apply."""
    return intent.get("metadata", {}).get("tenant") == scope.tenant_slug


async def _payment_of(scope: Scope, intent_id: str | None) -> Payment | None:
    return await repository.payment_by(scope, stripe_payment_intent_id=intent_id) if intent_id else None


async def _pending_row(scope: Scope, intent: dict, on: date) -> Payment:
    """The local row of an intent: the one ``startPayment`` wrote, or one made from its metadata."""
    existing = await _payment_of(scope, intent["id"])
    if existing is not None:
        return existing
    meta = intent["metadata"]
    currency = intent["currency"].upper()
    return await repository.insert_payment(
        scope,
        customer_id=int(meta["customer_id"]),
        external_id=intent["id"],
        stripe_payment_intent_id=intent["id"],
        amount=from_stripe_amount(intent["amount"], currency),
        currency=currency,
        received_date=on,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PENDING,
        allocation_plan=meta.get("allocation", AllocationPlan.OLDEST_FIRST.value),
        invoice_ids=_invoice_ids(meta),
    )


def _invoice_ids(meta: dict) -> list[int]:
    return [int(i) for i in meta.get("invoice_ids", "").split(",") if i.strip()]


async def _succeeded(scope: Scope, intent: dict, on: date) -> str:
    if not _ours(scope, intent):
        return "ignored: another tenant's intent"
    meta = intent["metadata"]
    currency = intent["currency"].upper()
    received = intent.get("amount_received") or intent["amount"]
    await service.apply_payment(
        scope,
        PaymentRequest(
            customer_id=int(meta["customer_id"]),
            amount=from_stripe_amount(received, currency),
            currency=currency,
            received_date=on,
            method=PaymentMethod.CARD,
            external_id=intent["id"],
            plan=AllocationPlan(meta.get("allocation", AllocationPlan.OLDEST_FIRST.value)),
            invoice_ids=_invoice_ids(meta),
            reference=meta.get("invoice_numbers", ""),
            stripe_payment_intent_id=intent["id"],
        ),
    )
    # A success settles an earlier failure: the customer's open payment_failed alert closes as paid.
    await alerts.refresh_payment_failed(
        scope, int(meta["customer_id"]), on, paid_note=f"paid: card payment {intent['id']} succeeded"
    )
    return RECORDED


async def _move(scope: Scope, intent: dict, on: date, status: PaymentStatus) -> Payment | None:
    if not _ours(scope, intent):
        return None
    async with repository.writing():
        payment = await _pending_row(scope, intent, on)
        if RANK[status] > RANK.get(payment.status, 2):
            payment.status = status
            error = intent.get("last_payment_error") or {}
            if status == PaymentStatus.FAILED:
                payment.failure_message = (error.get("message") or "the card was declined")[:500]
            await repository.save(payment)
            if status == PaymentStatus.FAILED:
                await emit(scope, "payment.failed", payloads.payment(payment))
        return payment


async def _processing(scope: Scope, intent: dict, on: date) -> str:
    return "pending" if await _move(scope, intent, on, PaymentStatus.PENDING) else "ignored"


async def _failed(scope: Scope, intent: dict, on: date) -> str:
    payment = await _move(scope, intent, on, PaymentStatus.FAILED)
    if payment is None:
        return "ignored"
    if payment.status != PaymentStatus.FAILED:
        # Already succeeded or refunded: the failure changed nothing, so nothing to alert anyone about.
        return "failure ignored: payment already final"
    # The customer's one payment_failed alert, from the rule itself (a customer who paid since has none).
    await alerts.refresh_payment_failed(scope, payment.customer_id, on, paid_note="paid")
    return "failure recorded"


async def _settled_payment(scope: Scope, obj: dict) -> Payment | None:
    payment = await _payment_of(scope, _intent_of(obj))
    return payment if payment is not None and payment.status == PaymentStatus.SUCCEEDED else None


async def _refunded(scope: Scope, charge: dict, on: date) -> str:
    payment = await _settled_payment(scope, charge)
    if payment is None:
        return "waiting"
    total = from_stripe_amount(charge.get("amount_refunded", 0), payment.currency)
    refund = await service.reverse_for_refund(scope, payment, total, on, f"refund:{charge['id']}:{total}")
    return "refund recorded" if refund else "refund already recorded"


async def _disputed(scope: Scope, dispute: dict, on: date) -> str:
    payment = await _settled_payment(scope, dispute)
    if payment is None:
        return "waiting"
    if await repository.dispute_by_external_id(scope, dispute["id"]) is not None:
        return "dispute already open"
    invoice_ids = list(payment.invoice_ids or [])
    async with repository.writing():
        chargeback = await _insert_chargeback(scope, payment, dispute, invoice_ids, on)
        await emit(scope, "dispute.opened", payloads.dispute(chargeback))
    return "chargeback opened"


async def _insert_chargeback(scope: Scope, payment: Payment, dispute: dict, invoice_ids: list[int], on: date):
    return await repository.insert_dispute(
        scope,
        customer_id=payment.customer_id,
        invoice_id=invoice_ids[0] if len(invoice_ids) == 1 else None,
        kind=DisputeKind.CHARGEBACK,
        amount=from_stripe_amount(dispute["amount"], payment.currency),
        currency=payment.currency,
        reason_code=(dispute.get("reason") or "chargeback")[:50],
        description=f"Card chargeback on payment {payment.external_id}",
        opened_on=on,
        external_id=dispute["id"],
    )


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.processing": _processing,
    "payment_intent.payment_failed": _failed,
    "charge.refunded": _refunded,
    "charge.dispute.created": _disputed,
}
