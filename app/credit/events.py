"""The webhook events of the credit domain (docs/webhooks.md): their ``data``, built like the staff API
shows the objects (opaque ids, ``Money``, camelCase), and emitted through ``app.webhooks.events.emit``
inside the transaction of the change, so a rolled-back change sends nothing.

- ``credit.limit_changed``: an approved limit took effect, or a temporary one ran out;
- ``credit_hold.placed`` / ``credit_hold.released``: by a person or by a rule;
- ``kyc.review_due``: the sweep saw a customer's KYC review date come within ``alerts.kyc_due_days``
  (once per date);
- ``kyc.completed``: a KYC review was decided (pass or fail; with four eyes, on the confirmation).
"""

from __future__ import annotations

from datetime import date

from app.ids import encode_id
from app.models import CreditHold, CustomerAccount, KycReview
from app.scope import Scope
from app.webhooks import payloads
from app.webhooks.events import emit


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


async def limit_changed(
    scope: Scope,
    customer: CustomerAccount,
    currency: str,
    before: int | None,
    after: int | None,
    request_id: int,
    cause: str,
    valid_until: date | None = None,
) -> None:
    """``cause``: ``approved`` (a request's last approval or its effective date) or ``expired`` (a
    temporary limit ran out and the one before it is back)."""
    await emit(
        scope,
        "credit.limit_changed",
        {
            "id": encode_id("Customer", customer.id),
            "customerId": encode_id("Customer", customer.id),
            "creditLimit": payloads.money(after, currency),
            "previousLimit": payloads.money(before, currency),
            "approvalRequestId": encode_id("ApprovalRequest", request_id),
            "cause": cause,
            "validUntil": _day(valid_until),
            "version": payloads.version(None),
        },
    )


def hold_data(row: CreditHold) -> dict:
    return {
        "id": encode_id("CreditHold", row.id),
        "customerId": encode_id("Customer", row.customer_id),
        "source": str(row.source),
        "reason": row.reason,
        "placedBy": row.placed_by,
        "placedAt": _moment(row.placed_at),
        "releasedAt": _moment(row.released_at),
        "releasedBy": row.released_by or None,
        "releaseReason": row.release_reason or None,
        "version": payloads.version(row),
    }


async def hold_placed(scope: Scope, row: CreditHold) -> None:
    await emit(scope, "credit_hold.placed", hold_data(row))


async def hold_released(scope: Scope, row: CreditHold) -> None:
    await emit(scope, "credit_hold.released", hold_data(row))


async def kyc_review_due(scope: Scope, customer_id: int, status: str, next_review: date, today: date) -> None:
    await emit(
        scope,
        "kyc.review_due",
        {
            "id": encode_id("Customer", customer_id),
            "customerId": encode_id("Customer", customer_id),
            "kycStatus": status,
            "nextReview": _day(next_review),
            "overdue": next_review < today,
            "version": payloads.version(None),
        },
    )


async def kyc_completed(scope: Scope, row: KycReview) -> None:
    await emit(
        scope,
        "kyc.completed",
        {
            "id": encode_id("KycReview", row.id),
            "customerId": encode_id("Customer", row.customer_id),
            "status": str(row.status),
            "outcome": "pass" if str(row.status) == "approved" else "fail",
            "reviewer": row.reviewer,
            "reviewedOn": _day(row.reviewed_on),
            "nextReview": _day(row.next_review),
            "version": payloads.version(row),
        },
    )
