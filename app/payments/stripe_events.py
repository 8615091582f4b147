"""What a signed Stripe event must look like before it is stored: otherwise a 400 ``invalid_event``.

A signature proves who sent the bytes, not that they are an event: a correctly signed body that is not
a JSON object, lacks its id, or carries a payment intent whose metadata names no customer made the
handlers fail with a 500, and Stripe retried it for days. Each event is checked here, field by field
as far as its handler reads it, and refused with a message naming the field; nothing is stored.
"""

from __future__ import annotations

import json

from app.errors import LedgerportError
from app.ids import is_key
from app.inputs import money
from app.money import is_known_currency
from app.payments.allocation import AllocationPlan

#: The ceiling of every stored amount (app.inputs.money): Stripe's own limit is far below it.
MAX_AMOUNT = money.MAX_AMOUNT
INTENT_TYPES = ("payment_intent.succeeded", "payment_intent.processing", "payment_intent.payment_failed")


class InvalidEvent(LedgerportError):
    """A verified Stripe event that is not shaped as Stripe's events are."""

    code = "invalid_event"


def _bad(what: str) -> InvalidEvent:
    return InvalidEvent(f"malformed event: {what}")


def _text(obj: dict, key: str, where: str, *, max_length: int = 255) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise _bad(f"{where}.{key} must be a string of 1 to {max_length} characters")
    return value


def _amount(obj: dict, key: str, where: str, *, required: bool = True) -> None:
    value = obj.get(key)
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT:
        raise _bad(f"{where}.{key} must be a whole number of minor units from 0 to {MAX_AMOUNT}")


def _intent(obj: dict, tenant: str) -> None:
    _text(obj, "id", "data.object")
    meta = obj.get("metadata") or {}
    if not isinstance(meta, dict):
        raise _bad("data.object.metadata must be an object")
    if meta.get("tenant") != tenant:
        return  # another tenant's intent on a shared account, or one made outside Ledgerport: ignored
    currency = _text(obj, "currency", "data.object", max_length=3)
    if not is_known_currency(currency.upper()):
        raise _bad("data.object.currency must be an ISO 4217 currency code")
    _amount(obj, "amount", "data.object")
    _amount(obj, "amount_received", "data.object", required=False)
    if not isinstance(meta.get("customer_id"), str) or not is_key(meta["customer_id"]):
        raise _bad("data.object.metadata.customer_id must be a customer id")
    invoice_ids = meta.get("invoice_ids", "")
    if not isinstance(invoice_ids, str) or not all(
        is_key(i.strip()) for i in invoice_ids.split(",") if i.strip()
    ):
        raise _bad("data.object.metadata.invoice_ids must be invoice ids separated by commas")
    if meta.get("allocation", AllocationPlan.OLDEST_FIRST.value) not in {p.value for p in AllocationPlan}:
        raise _bad("data.object.metadata.allocation is not an allocation plan")
    if not isinstance(meta.get("invoice_numbers", ""), str):
        raise _bad("data.object.metadata.invoice_numbers must be a string")
    if not isinstance(obj.get("last_payment_error") or {}, dict):
        raise _bad("data.object.last_payment_error must be an object")


def _charge_or_dispute(obj: dict, type_: str) -> None:
    _text(obj, "id", "data.object")
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        _text(intent, "id", "data.object.payment_intent")
    elif intent is not None and not isinstance(intent, str):
        raise _bad("data.object.payment_intent must be an id or an object")
    if type_ == "charge.refunded":
        _amount(obj, "amount_refunded", "data.object", required=False)
    else:
        _amount(obj, "amount", "data.object")
        if not isinstance(obj.get("reason") or "", str):
            raise _bad("data.object.reason must be a string")


def parse(payload: bytes, tenant: str) -> dict:
    """The event in a verified ``payload`` sent to ``tenant``'s address; ``InvalidEvent`` when it is
    not one. Intents are checked as far as they are this tenant's: the rest are ignored unread."""
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError):
        raise _bad("the body is not JSON") from None
    if not isinstance(event, dict):
        raise _bad("the body must be a JSON object")
    _text(event, "id", "event")
    type_ = _text(event, "type", "event", max_length=100)
    created = event.get("created")
    if created is not None and (
        not isinstance(created, int) or isinstance(created, bool) or not 0 <= created < 2**33
    ):
        raise _bad("event.created must be a Unix time")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise _bad("event.data.object must be an object")
    if type_ in INTENT_TYPES:
        _intent(obj, tenant)
    elif type_ in ("charge.refunded", "charge.dispute.created"):
        _charge_or_dispute(obj, type_)
    return event
