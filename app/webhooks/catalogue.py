"""The event types an endpoint may subscribe to, and the version of each payload's shape.

A type's version changes only when its ``data`` changes incompatibly; receivers read ``version`` beside
``type`` in every body. Types emitted by the credit and dunning branches (``credit.*``, ``kyc.*``,
``promise.broken``, ``invoice.overdue``) are listed already so endpoints can subscribe to them
before they arrive; their emitters call ``app.webhooks.events.emit`` like every other.
"""

from __future__ import annotations

#: Event type -> payload version.
EVENT_TYPES: dict[str, int] = {
    "invoice.created": 1,
    "invoice.updated": 1,
    "invoice.overdue": 1,
    "invoice.paid": 1,
    "payment.succeeded": 1,
    "payment.failed": 1,
    "payment.refunded": 1,
    "credit_note.created": 1,
    "dispute.opened": 1,
    "dispute.decided": 1,
    "promise.created": 1,
    "promise.broken": 1,
    "credit.limit_changed": 1,
    "credit_hold.placed": 1,
    "credit_hold.released": 1,
    "kyc.review_due": 1,
    "kyc.completed": 1,
    "support.request_created": 1,
    "support.request_answered": 1,
    "import.completed": 1,
    "alert.raised": 1,
    # For an operator's or a test's own checks (no domain emits it); any endpoint may subscribe.
    "webhook.test": 1,
}


def is_known(event_type: str) -> bool:
    return event_type in EVENT_TYPES
