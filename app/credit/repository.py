"""Every query of the credit domain (holds, limits and their reviews, write-off bookings, KYC and credit
documents, onboarding applications); each starts from the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.expressions import F, Q
from tortoise.functions import Count

from app.db.scoping import joined, new_row, scoped
from app.models import (
    CreditDocument,
    CreditHold,
    CreditReview,
    CustomerAccount,
    Invoice,
    KycReview,
    OnboardingApplication,
    WriteOff,
)
from app.models.enums import CreditHoldSource, KycStatus, OnboardingStep
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


async def kyc_due_unsignalled(scope: Scope, horizon: date, limit: int = 500) -> list[dict]:
    """Customers whose KYC review date is on or before ``horizon`` and not yet signalled for that date,
    the earliest first, at most ``limit`` per sweep (the next hour takes the rest)."""
    return await (
        scoped(CustomerAccount, scope)
        .filter(kyc_next_review__lte=horizon)
        .filter(Q(kyc_due_signalled_on__isnull=True) | ~Q(kyc_due_signalled_on=F("kyc_next_review")))
        .order_by("kyc_next_review", "id")
        .limit(limit)
        .values("id", "kyc_status", "kyc_next_review")
    )


async def mark_kyc_due_signalled(scope: Scope, customer_id: int, next_review: date) -> int:
    """Note that ``kyc.review_due`` went out for ``next_review``; 0 when it had already (a second sweep)."""
    query = scoped(CustomerAccount, scope).filter(id=customer_id, kyc_next_review=next_review)
    query = query.filter(Q(kyc_due_signalled_on__isnull=True) | ~Q(kyc_due_signalled_on=next_review))
    return await query.update(kyc_due_signalled_on=next_review)


# Documents: the listing reads never load the content; the download reads one row with it.
DOCUMENT_FIELDS = (
    "id", "customer_id", "kyc_review_id", "checklist_key", "approval_request_id", "expires_on",
    "filename", "content_type", "size", "uploaded_by", "created_at",
)  # fmt: skip


async def add_document(scope: Scope, **values) -> CreditDocument:
    row = new_row(CreditDocument, scope, **values)
    await row.save()
    return row


async def document(scope: Scope, document_id: int) -> CreditDocument | None:
    return await scoped(CreditDocument, scope).filter(id=document_id).first()


async def documents_of(scope: Scope, *, review_ids=(), request_ids=()) -> list[dict]:
    query = scoped(CreditDocument, scope)
    if review_ids:
        query = query.filter(kyc_review_id__in=list(review_ids))
    else:
        query = query.filter(approval_request_id__in=list(request_ids))
    return await query.order_by("id").values(*DOCUMENT_FIELDS)


async def count_documents(scope: Scope, review_id: int, checklist_key: str) -> int:
    return (
        await scoped(CreditDocument, scope)
        .filter(kyc_review_id=review_id, checklist_key=checklist_key)
        .count()
    )


async def add_application(scope: Scope, **values) -> OnboardingApplication:
    row = new_row(OnboardingApplication, scope, **values)
    await row.save()
    return row


async def application(scope: Scope, application_id: int) -> OnboardingApplication | None:
    return await joined(
        scoped(OnboardingApplication, scope).filter(id=application_id), scope, "customer"
    ).first()


async def application_of(scope: Scope, customer_id: int) -> OnboardingApplication | None:
    return await scoped(OnboardingApplication, scope).filter(customer_id=customer_id).first()


async def move_application(scope: Scope, application_id: int, version: int, **values) -> int:
    """Move an application seen at ``version``; 0 when someone moved it first."""
    return await (
        scoped(OnboardingApplication, scope)
        .filter(id=application_id, version=version)
        .update(version=F("version") + 1, **values)
    )


def _applications(scope: Scope, steps, source: str | None):
    query = scoped(OnboardingApplication, scope)
    if steps:
        query = query.filter(step__in=list(steps))
    if source:
        query = query.filter(source=source)
    return query


async def application_counts(scope: Scope, steps, source: str | None) -> dict[str, int]:
    """Applications per step (one GROUP BY)."""
    rows = await (
        _applications(scope, steps, source).annotate(n=Count("id")).group_by("step").values("step", "n")
    )
    return {str(r["step"]): r["n"] for r in rows}


async def waiting_applications(
    scope: Scope, steps, source: str | None, offset: int, limit: int
) -> tuple[list[OnboardingApplication], int]:
    """Applications still on their way (not active, not rejected), the longest waiting first."""
    open_steps = [
        s
        for s in (steps or list(OnboardingStep))
        if s not in (OnboardingStep.ACTIVE, OnboardingStep.REJECTED)
    ]
    query = _applications(scope, open_steps, source)
    total = await query.count()
    rows = await joined(query, scope, "customer").order_by("step_since", "id").offset(offset).limit(limit)
    return rows, total


async def add_customer(scope: Scope, **values) -> CustomerAccount:
    row = new_row(CustomerAccount, scope, **values)
    await row.save()
    return row


async def customer_by_number(scope: Scope, account_number: str) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).filter(account_number=account_number).first()


async def customers_without_application(scope: Scope, customer_ids: list[int]) -> list[CustomerAccount]:
    """Of ``customer_ids``, those without an onboarding application."""
    have = set(
        await scoped(OnboardingApplication, scope)
        .filter(customer_id__in=customer_ids)
        .values_list("customer_id", flat=True)
    )
    return await scoped(CustomerAccount, scope).filter(id__in=[i for i in customer_ids if i not in have])
