"""The ``data`` of each event, built from the domain object as the staff API shows it: opaque ids
(``app.ids``, the same strings GraphQL returns), money as ``{"amount": "12.34", "currencyCode": "USD"}``
and camelCase keys. Every ``data`` carries ``version``: the object's ``updated_at`` in microseconds, so
a receiver that gets two events about one object out of order keeps the one with the larger version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app import clock
from app.ids import encode_id
from app.money import format_decimal_string


def money(minor: int | None, currency: str | None) -> dict[str, str] | None:
    if minor is None or not currency:
        return None
    return {"amount": format_decimal_string(minor, currency), "currencyCode": currency}


def version(obj: Any) -> int:
    """Microseconds since the epoch of the object's last change (now, for objects without one)."""
    moment: datetime = getattr(obj, "updated_at", None) or clock.now()
    return int(moment.timestamp() * 1_000_000)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def customer_id(obj: Any) -> str | None:
    raw = getattr(obj, "customer_id", None)
    return encode_id("Customer", raw) if raw else None


def invoice(inv: Any) -> dict[str, Any]:
    return {
        "id": encode_id("Invoice", inv.id),
        "customerId": customer_id(inv),
        "number": inv.number,
        "externalId": inv.external_id,
        "status": str(inv.status),
        "issueDate": _day(inv.issue_date),
        "dueDate": _day(inv.due_date),
        "total": money(inv.total, inv.currency),
        "open": money(inv.total - (inv.settled or 0), inv.currency),
        "version": version(inv),
    }


def payment(p: Any) -> dict[str, Any]:
    return {
        "id": encode_id("Payment", p.id),
        "customerId": customer_id(p),
        "status": str(p.status),
        "method": str(p.method),
        "amount": money(p.amount, p.currency),
        "receivedDate": _day(p.received_date),
        "reference": p.reference,
        "failureMessage": p.failure_message or None,
        "refundOf": encode_id("Payment", p.refund_of_id) if getattr(p, "refund_of_id", None) else None,
        "version": version(p),
    }


def credit_note(note: Any) -> dict[str, Any]:
    return {
        "id": encode_id("CreditNote", note.id),
        "customerId": customer_id(note),
        "number": note.number,
        "date": _day(note.date),
        "amount": money(note.amount, note.currency),
        "reason": note.reason,
        "version": version(note),
    }


def dispute(d: Any) -> dict[str, Any]:
    return {
        "id": encode_id("Dispute", d.id),
        "customerId": customer_id(d),
        "invoiceId": encode_id("Invoice", d.invoice_id) if d.invoice_id else None,
        "kind": str(d.kind),
        "status": str(d.status),
        "reasonCode": d.reason_code,
        "amount": money(d.amount, d.currency),
        "acceptedAmount": money(d.accepted_amount, d.currency),
        "openedOn": _day(d.opened_on),
        "version": version(d),
    }


def promise(p: Any, invoice_ids: list[int] | None = None) -> dict[str, Any]:
    return {
        "id": encode_id("PromiseToPay", p.id),
        "customerId": customer_id(p),
        "promisedDate": _day(p.promised_date),
        "amount": money(p.amount, p.currency),
        "status": str(p.status),
        "invoiceIds": [encode_id("Invoice", i) for i in invoice_ids or []],
        "version": version(p),
    }


def support_request(r: Any) -> dict[str, Any]:
    return {
        "id": encode_id("SupportRequest", r.id),
        "customerId": customer_id(r),
        "invoiceId": encode_id("Invoice", r.invoice_id) if r.invoice_id else None,
        "subject": r.subject,
        "status": str(r.status),
        "version": version(r),
    }


def alert(a: Any) -> dict[str, Any]:
    return {
        "id": encode_id("Alert", a.id),
        "customerId": customer_id(a),
        "rule": a.rule,
        "severity": str(a.severity),
        "message": a.message,
        "amount": money(a.amount, a.currency),
        "version": version(a),
    }
