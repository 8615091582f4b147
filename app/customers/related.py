"""What the customer 360 shows beside balances: credit and KYC reviews, letters of credit, intercompany
balances, open disputes and promises to pay. Each takes many customers at once (DataLoader batches)."""

from __future__ import annotations

from app.auth.permissions import require
from app.customers import repository
from app.models import (
    CreditReview,
    Dispute,
    IntercompanyBalance,
    KycReview,
    LetterOfCredit,
    PromiseToPay,
)
from app.models.enums import DisputeStatus
from app.scope import Scope

OPEN_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW)


async def credit_reviews(scope: Scope, customer_ids: list[int]) -> dict[int, list[CreditReview]]:
    """Who approved which limit and rating when, newest first."""
    require(scope, "credit.read")
    return await repository.related_by_customer(scope, CreditReview, customer_ids, ("-created_at", "-id"))


async def kyc_reviews(scope: Scope, customer_ids: list[int]) -> dict[int, list[KycReview]]:
    require(scope, "credit.read")
    return await repository.related_by_customer(scope, KycReview, customer_ids, ("-reviewed_on", "-id"))


async def letters_of_credit(scope: Scope, customer_ids: list[int]) -> dict[int, list[LetterOfCredit]]:
    require(scope, "credit.read")
    return await repository.related_by_customer(scope, LetterOfCredit, customer_ids, ("expiry_date", "id"))


async def intercompany_balances(
    scope: Scope, customer_ids: list[int]
) -> dict[int, list[IntercompanyBalance]]:
    require(scope, "ar.read")
    return await repository.related_by_customer(scope, IntercompanyBalance, customer_ids, ("-as_of", "id"))


async def open_disputes(scope: Scope, customer_ids: list[int]) -> dict[int, list[Dispute]]:
    """Disputes and deductions still open or under review, oldest first."""
    require(scope, "ar.read")
    return await repository.related_by_customer(
        scope, Dispute, customer_ids, ("opened_on", "id"), status__in=list(OPEN_DISPUTE_STATUSES)
    )


async def promises(scope: Scope, customer_ids: list[int]) -> dict[int, list[PromiseToPay]]:
    require(scope, "ar.read")
    return await repository.related_by_customer(scope, PromiseToPay, customer_ids, ("-promised_date", "-id"))
