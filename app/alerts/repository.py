"""Alert rows and the rows alert rules look at (all through the caller's scope)."""

from __future__ import annotations

from datetime import date, datetime

from app.db.scoping import new_row, scoped
from app.models import Alert, CustomerAccount, Dispute, LetterOfCredit, Payment, PromiseToPay
from app.models.enums import AlertStatus, CoverStatus, DisputeStatus, PaymentStatus, PromiseStatus
from app.scope import Scope


async def existing_keys(scope: Scope, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = await scoped(Alert, scope).filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    return set(rows)


async def insert_many(scope: Scope, rows: list[dict]) -> None:
    """Insert alerts; a concurrent evaluation that inserted the same key first wins (no duplicate)."""
    if rows:
        await Alert.bulk_create([new_row(Alert, scope, **r) for r in rows], ignore_conflicts=True)


async def page(scope: Scope, offset: int, limit: int, **filters) -> tuple[list[Alert], int]:
    query = scoped(Alert, scope).filter(**{k: v for k, v in filters.items() if v is not None})
    total = await query.count()
    rows = await query.order_by("-created_at", "-id").offset(offset).limit(limit)
    return rows, total


async def by_id(scope: Scope, alert_id: int) -> Alert | None:
    return await scoped(Alert, scope).get_or_none(id=alert_id)


async def customers_with_kyc_review_before(scope: Scope, before: date) -> list[CustomerAccount]:
    return await scoped(CustomerAccount, scope).filter(kyc_next_review__lte=before).order_by("id")


async def letters_expiring(scope: Scope, start: date, end: date) -> list[LetterOfCredit]:
    return await (
        scoped(LetterOfCredit, scope)
        .filter(status=CoverStatus.ACTIVE, expiry_date__gte=start, expiry_date__lte=end)
        .order_by("expiry_date", "id")
    )


async def open_disputes(scope: Scope) -> list[Dispute]:
    return (
        await scoped(Dispute, scope)
        .filter(status__in=[DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW])
        .order_by("id")
    )


async def broken_promises(scope: Scope, today: date) -> list[PromiseToPay]:
    """Promises marked broken, and open ones whose date has passed."""
    marked = await scoped(PromiseToPay, scope).filter(status=PromiseStatus.BROKEN).order_by("id")
    lapsed = (
        await scoped(PromiseToPay, scope)
        .filter(status=PromiseStatus.OPEN, promised_date__lt=today)
        .order_by("id")
    )
    return [*marked, *lapsed]


async def failed_payments(scope: Scope, since: date) -> list[Payment]:
    return (
        await scoped(Payment, scope)
        .filter(status=PaymentStatus.FAILED, received_date__gte=since)
        .order_by("id")
    )


async def set_status(scope: Scope, alert: Alert, status: AlertStatus, who: str, when: datetime) -> Alert:
    if status == AlertStatus.ACKNOWLEDGED:
        alert.acknowledged_by, alert.acknowledged_at = who, when
        fields = ["status", "acknowledged_by", "acknowledged_at", "updated_at"]
    else:
        alert.resolved_by, alert.resolved_at = who, when
        fields = ["status", "resolved_by", "resolved_at", "updated_at"]
    alert.status = status
    await (
        scoped(Alert, scope)
        .filter(id=alert.id)
        .update(**{f: getattr(alert, f) for f in fields if f != "updated_at"})
    )
    return alert
