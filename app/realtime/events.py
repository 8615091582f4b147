"""What a subscriber can hear about, as one small serialisable record.

Domains already report their changes through ``app.webhooks.events.emit(scope, type, data)`` inside the
change's transaction; ``from_domain`` turns such a report into the real-time events it implies (a
payment is a ``payment`` and a balance change of its customer). An event names its tenant and customer
as keys, so the hub can route by tenant and the subscription can check the customer against the
subscriber's scope before anything about it is sent; ``data`` is the webhook payload (ids opaque, money
as the API writes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.errors import NotFound
from app.ids import decode_id, encode_id

PAYMENT = "payment"
CUSTOMER = "customer"
ALERT = "alert"
SUPPORT = "support"
JOB = "job"
TOPICS = (PAYMENT, CUSTOMER, ALERT, SUPPORT, JOB)

#: Webhook event types that change a customer's balance (``customerChanged``, ``accountChanged``).
#: Imports (invoices, credit notes, and the write-offs and dispute credits booked through them) are
#: reported by ``app.ingest`` once per customer and import instead (``customers_changed``).
BALANCE_TYPES = frozenset(
    {
        "payment.succeeded",
        "payment.refunded",
        "invoice.paid",
        "dispute.opened",
        "dispute.decided",
    }
)
#: pg_notify refuses payloads of 8,000 bytes or more; an event that large travels without ``data``.
MAX_WIRE_BYTES = 7_000


@dataclass(frozen=True)
class Event:
    tenant_id: int
    topic: str
    #: What happened, as the webhook catalogue names it (``payment.succeeded``) or ``job.finished``.
    type: str
    customer_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> str:
        body = {"t": self.tenant_id, "p": self.topic, "y": self.type, "c": self.customer_id}
        wire = json.dumps({**body, "d": self.data}, separators=(",", ":"))
        if len(wire.encode()) > MAX_WIRE_BYTES:
            wire = json.dumps({**body, "d": {}}, separators=(",", ":"))
        return wire

    @classmethod
    def from_wire(cls, wire: str | bytes) -> Event:
        raw = json.loads(wire)
        return cls(raw["t"], raw["p"], raw["y"], raw.get("c"), raw.get("d") or {})


def customer_key(data: dict[str, Any]) -> int | None:
    """The customer's primary key from a payload's opaque ``customerId``, when it has one."""
    opaque = data.get("customerId")
    if not isinstance(opaque, str):
        return None
    try:
        return decode_id("Customer", opaque)
    except NotFound:
        return None


def from_domain(tenant_id: int, event_type: str, data: dict[str, Any]) -> list[Event]:
    """The real-time events a domain change reported to ``emit`` implies (none for most types)."""
    customer = customer_key(data)
    found: list[Event] = []
    if event_type == "payment.succeeded":
        found.append(Event(tenant_id, PAYMENT, event_type, customer, data))
    elif event_type == "alert.raised":
        found.append(Event(tenant_id, ALERT, event_type, customer, data))
    elif event_type.startswith("support."):
        found.append(Event(tenant_id, SUPPORT, event_type, customer, data))
    if event_type in BALANCE_TYPES and customer is not None:
        found.append(Event(tenant_id, CUSTOMER, event_type, customer, {"reason": event_type}))
    return found


def job_finished(tenant_id: int, job_id: int, kind: str, state: str) -> Event:
    """A job ended (succeeded, or failed after its last try): for ``jobFinished`` (admins)."""
    data = {"id": encode_id("Job", job_id), "kind": kind, "state": state}
    return Event(tenant_id, JOB, "job.finished", None, data)


def customers_changed(tenant_id: int, customer_ids, reason: str) -> list[Event]:
    """One balance change per customer (an import touching 500 invoices of one customer is one event)."""
    return [Event(tenant_id, CUSTOMER, reason, c, {"reason": reason}) for c in sorted(set(customer_ids))]
