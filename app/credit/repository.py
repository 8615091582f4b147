"""Every query of the credit domain (holds, limits and their reviews, write-off bookings); each starts from the
caller's scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.expressions import Q

from app.db.scoping import new_row, scoped
from app.models import CreditHold, CreditReview, CustomerAccount, Invoice, KycReview, WriteOff
from app.models.enums import CreditHoldSource, KycStatus
from app.scope import Scope


async def held_customer_ids(scope: Scope, customer_ids: Iterable[int] | None = None) -> set[int]:
    query = scoped(CreditHold, scope).filter(released_at__isnull=True)
    if customer_ids is not None:
        query = query.filter(customer_id__in=list(customer_ids))
    return set(await query.distinct().values_list("customer_id", flat=True))


async def customer(scope: Scope, customer_id: int) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).get_or_none(id=customer_id)


async def set_credit_limit(scope: Scope, customer_id: int, limit: int) -> int:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).update(credit_limit=limit)


async def add_credit_review(scope: Scope, **values) -> CreditReview:
    row = new_row(CreditReview, scope, **values)
    await row.save()
    return row


async def credit_reviews(scope: Scope, customer_id: int) -> list[CreditReview]:
    return await scoped(CreditReview, scope).filter(customer_id=customer_id).order_by("-id")


async def invoice_external_id(scope: Scope, invoice_id: int) -> str | None:
    row = await scoped(Invoice, scope).filter(id=invoice_id).first().values("external_id")
    return row["external_id"] if row else None


async def write_off_by_external_id(scope: Scope, external_id: str) -> WriteOff | None:
    return await scoped(WriteOff, scope).filter(external_id=external_id).first()


async def add_hold(scope: Scope, **values) -> CreditHold:
    row = new_row(CreditHold, scope, **values)
    await row.save()
    return row


async def hold(scope: Scope, hold_id: int) -> CreditHold | None:
    return await scoped(CreditHold, scope).filter(id=hold_id).first()


async def release_hold(scope: Scope, hold_id: int, **values) -> int:
    """Release a hold that is still in force; 0 when it was released already (by someone faster)."""
    return await scoped(CreditHold, scope).filter(id=hold_id, released_at__isnull=True).update(**values)


async def holds_by_customer(
    scope: Scope, customer_ids: list[int], active_only: bool
) -> dict[int, list[CreditHold]]:
    query = scoped(CreditHold, scope).filter(customer_id__in=customer_ids)
    if active_only:
        query = query.filter(released_at__isnull=True)
    out: dict[int, list[CreditHold]] = {}
    for row in await query.order_by("-placed_at", "-id"):
        out.setdefault(row.customer_id, []).append(row)
    return out


async def held_by_source(scope: Scope, source: CreditHoldSource) -> set[int]:
    query = scoped(CreditHold, scope).filter(released_at__isnull=True, source=source)
    return set(await query.distinct().values_list("customer_id", flat=True))


async def kyc_failed_or_expired(scope: Scope, today: date) -> list[dict]:
    """Customers whose KYC was rejected or has expired, or whose next review date has passed."""
    rows = await (
        scoped(CustomerAccount, scope)
        .filter(Q(kyc_status__in=[KycStatus.REJECTED, KycStatus.EXPIRED]) | Q(kyc_next_review__lt=today))
        .values("id", "kyc_status", "kyc_next_review")
    )
    return rows


async def update_customer(scope: Scope, customer_id: int, **values) -> int:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).update(**values)


async def reviews_due(
    scope: Scope, as_of: date, offset: int, limit: int
) -> tuple[list[CustomerAccount], int]:
    """Customers whose periodic credit review is due on or before ``as_of``, the longest overdue first."""
    query = scoped(CustomerAccount, scope).filter(credit_next_review__lte=as_of)
    total = await query.count()
    rows = await query.order_by("credit_next_review", "id").offset(offset).limit(limit)
    return rows, total


async def add_kyc_review(scope: Scope, **values) -> KycReview:
    row = new_row(KycReview, scope, **values)
    await row.save()
    return row


async def kyc_review(scope: Scope, review_id: int) -> KycReview | None:
    return await scoped(KycReview, scope).filter(id=review_id).first()


async def open_kyc_review(scope: Scope, customer_id: int) -> KycReview | None:
    return await (
        scoped(KycReview, scope)
        .filter(customer_id=customer_id, status__in=[KycStatus.IN_REVIEW, KycStatus.PENDING])
        .exclude(started_by="")
        .first()
    )


async def update_kyc_review(scope: Scope, review_id: int, expected: dict, **values) -> int:
    """Change a review still as ``expected`` (status, proposal); 0 when someone changed it first."""
    return await scoped(KycReview, scope).filter(id=review_id, **expected).update(**values)
