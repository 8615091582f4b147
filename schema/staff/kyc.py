"""KYC reviews in the staff API: ``startKycReview``, ``uploadKycDocument`` and ``completeKycReview``
over ``app.credit.kyc`` and ``app.credit.documents`` (the compliance role; four eyes where the tenant
file says so). Each checklist item shows its documents and whether it is complete today: an item whose
documents expire is incomplete once they have."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from app.credit import documents, kyc
from app.errors import LedgerportError
from app.models import KycReview
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires
from schema.staff.credit_documents import CreditDocumentNode, FileUploadInput, decode_file, document_node


@strawberry.enum(description="What a KYC reviewer concludes.")
class KycOutcome(Enum):
    PASS = "pass"
    FAIL = "fail"
    NEEDS_INFORMATION = "needs_information"


@strawberry.type
class KycChecklistItemNode:
    key: str
    label: str
    done: bool = strawberry.field(description="Ticked by a reviewer.")
    expires: bool = strawberry.field(description="Needs a document with an expiry date.")
    complete: bool = strawberry.field(description="Ticked, and (if it expires) a document still valid today.")
    documents: list[CreditDocumentNode]


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


def kyc_node(row: KycReview, docs: list[dict], today: date) -> KycReviewDetail:
    return KycReviewDetail(
        id=strawberry.ID(encode_id("KycReview", row.id)),
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)),
        status=str(row.status),
        checklist=[
            KycChecklistItemNode(
                key=i["key"],
                label=i["label"],
                done=bool(i.get("done")),
                expires=bool(i.get("expires")),
                complete=documents.item_complete(i, docs, today),
                documents=[document_node(d, today) for d in docs if d["checklist_key"] == i["key"]],
            )
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


@strawberry.input
class UploadKycDocumentInput:
    review_id: strawberry.ID
    checklist_key: str
    file: FileUploadInput
    expires_on: date | None = strawberry.field(
        default=None, description="Required for checklist items whose documents expire."
    )


@strawberry.type
class KycReviewPayload:
    review: KycReviewDetail | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def review_payload(ctx, review_id: int) -> KycReviewPayload:
    """The review as it stands, with its documents (only for roles that may read them)."""
    row = await kyc.get(ctx.scope, review_id)
    docs = (await documents.of_reviews(ctx.scope, [review_id])).get(review_id, [])
    return KycReviewPayload(review=kyc_node(row, docs, ctx.today()))


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
        return await review_payload(ctx, row.id)

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
        return await review_payload(ctx, row.id)

    @strawberry.mutation(
        extensions=requires("kyc.review"),
        description="Attach a document to an open KYC review, against one checklist item.",
    )
    async def upload_kyc_document(self, info: Info, input: UploadKycDocumentInput) -> KycReviewPayload:
        ctx = info.context
        try:
            review_id = decode_id("KycReview", input.review_id)
            row = await documents.upload_kyc(
                ctx.scope,
                ctx.tenant_config,
                review_id,
                input.checklist_key,
                decode_file(input.file, "file"),
                input.expires_on,
            )
        except LedgerportError as exc:
            if exc.code == "not_found" and exc.field is None:
                exc.field = "reviewId"
            return KycReviewPayload(user_errors=user_errors_from(exc))
        return await review_payload(ctx, row.kyc_review_id)
