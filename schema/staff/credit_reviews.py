"""Periodic credit reviews in the staff API: ``creditReviewsDue`` and ``completeCreditReview`` over
``app.credit.reviews`` (a new limit from a review becomes an approval request, never a direct change)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from app.approvals import engine
from app.credit import reviews
from app.errors import LedgerportError
from app.inputs.money import parse_amount
from app.models.enums import RiskRating
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires
from schema.staff.approvals import ApprovalRequestNode, request_node
from schema.staff.customer_detail import CreditReviewNode, credit_review_node
from schema.staff.customers import Customer, customer_node
from schema.staff.filters import RiskRatingEnum


@strawberry.input
class CompleteCreditReviewInput:
    customer_id: strawberry.ID
    rating: RiskRatingEnum
    notes: str = ""
    new_limit: str | None = strawberry.field(
        default=None, description="A new limit (base currency): opens a credit limit request for approval."
    )


@strawberry.type
class CompleteCreditReviewPayload:
    review: CreditReviewNode | None = None
    customer: Customer | None = None
    limit_request: ApprovalRequestNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreditReviewsQuery:
    @strawberry.field(
        extensions=requires("credit.read"),
        description="Customers whose periodic credit review is due by the date (default today), longest overdue first.",
    )
    async def credit_reviews_due(
        self, info: Info, first: int | None = None, after: str | None = None, as_of: date | None = None
    ) -> Connection[Customer]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        as_of = as_of or ctx.today()
        rows, total = await reviews.due(ctx.scope, as_of, page.offset, page.limit)
        base = ctx.tenant_config.base_currency
        return connection_of(rows, page, total, lambda row: customer_node(row, as_of, base))


@strawberry.type
class CreditReviewsMutation:
    @strawberry.mutation(
        extensions=requires("credit.review"),
        description="Record a periodic credit review: the new rating and notes; the next review follows from the rating.",
    )
    async def complete_credit_review(
        self, info: Info, input: CompleteCreditReviewInput
    ) -> CompleteCreditReviewPayload:
        ctx = info.context
        tenant = ctx.tenant_config
        try:
            customer_id = decode_id("Customer", input.customer_id)
            limit = (
                parse_amount(input.new_limit, tenant.base_currency, "newLimit")
                if input.new_limit is not None
                else None
            )
            done = await reviews.complete(
                ctx.scope, tenant, customer_id, RiskRating(input.rating.value), input.notes, limit
            )
            account = await reviews.customer(ctx.scope, customer_id)
            request = await engine.get(ctx.scope, done.limit_request.id) if done.limit_request else None
        except LedgerportError as exc:
            if exc.code == "not_found" and exc.field is None:
                exc.field = "customerId"
            return CompleteCreditReviewPayload(user_errors=user_errors_from(exc))
        return CompleteCreditReviewPayload(
            review=credit_review_node(done.review, tenant.base_currency),
            customer=customer_node(account, ctx.today(), tenant.base_currency),
            limit_request=request_node(request) if request else None,
        )
