"""Periodic credit reviews: due by risk rating, completed with a new rating and notes.

Each customer's next review is ``credit_next_review``: the day of the last review (a completed periodic
review, or an approved limit change, which is a review too) plus the tenant file's interval for the
rating it left (``[credit_reviews] interval_months``). Overdue reviews raise the
``credit_review_overdue`` alert (app/alerts/rules.py). A review that changes the limit does not change
it itself: it opens a credit limit request, which goes through the approvals like any other, so a
review is never a way around four eyes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.credit import limits, repository
from app.errors import NotFound
from app.inputs.dates import add_months
from app.inputs.text import check_text
from app.models import ApprovalRequest, CreditReview, CustomerAccount
from app.models.enums import ReviewStatus, RiskRating
from app.scope import Scope
from app.tenancy.config import TenantConfig


def next_review(tenant: TenantConfig, rating: RiskRating | str, reviewed_on: date) -> date:
    return add_months(reviewed_on, tenant.credit_reviews.interval_months[str(rating)])


@dataclass(frozen=True)
class Completed:
    review: CreditReview
    limit_request: ApprovalRequest | None


async def complete(
    scope: Scope,
    tenant: TenantConfig,
    customer_id: int,
    rating: RiskRating,
    notes: str,
    new_limit: int | None = None,
    limit_reason: str | None = None,
) -> Completed:
    """Record the review, set the rating and the next review date; a new limit becomes a request."""
    require(scope, "credit.review")
    notes = check_text(notes or "", "notes", 10_000, multiline=True).strip()
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("customer not found", field="customerId")
    today = tenant.today()
    following = next_review(tenant, rating, today)
    async with in_transaction():
        review = await repository.add_credit_review(
            scope,
            customer_id=customer_id,
            approved_limit=customer.credit_limit,
            rating=rating,
            status=ReviewStatus.APPROVED,
            requested_by=scope.principal,
            approver=scope.principal,
            decided_at=clock.now(),
            note=notes,
        )
        await repository.update_customer(scope, customer_id, risk_rating=rating, credit_next_review=following)
        await audit.record(
            scope,
            "credit_review.completed",
            target_type="customer",
            target_id=customer_id,
            details={
                "credit_review": review.id,
                "before": {
                    "rating": str(customer.risk_rating),
                    "next_review": _iso(customer.credit_next_review),
                },
                "after": {"rating": str(rating), "next_review": following.isoformat()},
            },
        )
        request = None
        if new_limit is not None and new_limit != customer.credit_limit:
            request = await limits.request_limit(
                scope, tenant, customer_id, new_limit, limit_reason or notes or f"Credit review {review.id}"
            )
    return Completed(review, request)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def due(scope: Scope, as_of: date, offset: int, limit: int) -> tuple[list[CustomerAccount], int]:
    require(scope, "credit.read")
    return await repository.reviews_due(scope, as_of, offset, limit)


async def customer(scope: Scope, customer_id: int) -> CustomerAccount:
    require(scope, "credit.read")
    found = await repository.customer(scope, customer_id)
    if found is None:
        raise NotFound("customer not found", field="customerId")
    return found
