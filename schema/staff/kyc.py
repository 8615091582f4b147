"""KYC reviews in the staff API: ``startKycReview`` and ``completeKycReview`` over ``app.credit.kyc``
(the compliance role; four eyes where the tenant file says so)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from app.credit import kyc
from app.errors import LedgerportError
from app.models import KycReview
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires


@strawberry.enum(description="What a KYC reviewer concludes.")
class KycOutcome(Enum):
    PASS = "pass"
    FAIL = "fail"
    NEEDS_INFORMATION = "needs_information"


@strawberry.type
class KycChecklistItemNode:
    key: str
    label: str
    done: bool


@strawberry.type(description="A KYC review started in Ledgerport, its checklist and its outcome.")
class KycReviewDetail:
    id: strawberry.ID
    customer_id: strawberry.ID
    status: str
    checklist: list[KycChecklistItemNode]
    started_by: str
    proposed_outcome: str | None = strawberry.field(
        description="With four eyes: the first reviewer's outcome."
    )
    proposed_by: str | None
    reviewer: str | None
    reviewed_on: date | None
    next_review: date | None
    notes: str


def kyc_node(row: KycReview) -> KycReviewDetail:
    return KycReviewDetail(
        id=strawberry.ID(encode_id("KycReview", row.id)),
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)),
        status=str(row.status),
        checklist=[
            KycChecklistItemNode(key=i["key"], label=i["label"], done=bool(i.get("done")))
            for i in row.checklist
        ],
        started_by=row.started_by,
        proposed_outcome=row.proposed_outcome or None,
        proposed_by=row.proposed_by or None,
        reviewer=row.reviewer or None,
        reviewed_on=row.reviewed_on,
        next_review=row.next_review,
        notes=row.notes,
    )


@strawberry.input
class StartKycReviewInput:
    customer_id: strawberry.ID


@strawberry.input
class CompleteKycReviewInput:
    review_id: strawberry.ID
    outcome: KycOutcome
    checked: list[str] = strawberry.field(default_factory=list, description="Checklist keys now checked.")
    notes: str = ""


@strawberry.type
class KycReviewPayload:
    review: KycReviewDetail | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class KycMutation:
    @strawberry.mutation(
        extensions=requires("kyc.review"), description="Start a KYC review with the tenant's checklist."
    )
    async def start_kyc_review(self, info: Info, input: StartKycReviewInput) -> KycReviewPayload:
        ctx = info.context
        try:
            row = await kyc.start(ctx.scope, ctx.tenant_config, decode_id("Customer", input.customer_id))
        except LedgerportError as exc:
            if exc.code == "not_found":
                exc.field = "customerId"
            return KycReviewPayload(user_errors=user_errors_from(exc))
        return KycReviewPayload(review=kyc_node(row))

    @strawberry.mutation(
        extensions=requires("kyc.review"),
        description="Pass, fail or ask for information; with four eyes a second person confirms a pass or fail.",
    )
    async def complete_kyc_review(self, info: Info, input: CompleteKycReviewInput) -> KycReviewPayload:
        ctx = info.context
        try:
            row = await kyc.complete(
                ctx.scope,
                ctx.tenant_config,
                decode_id("KycReview", input.review_id),
                input.outcome.value,
                input.checked,
                input.notes,
            )
        except LedgerportError as exc:
            if exc.code == "not_found":
                exc.field = "reviewId"
            return KycReviewPayload(user_errors=user_errors_from(exc))
        return KycReviewPayload(review=kyc_node(row))
