"""Documents of credit and compliance work: KYC evidence against a checklist item, and the papers of a
credit limit request (docs/credit-and-compliance.md, Documents).

They are checked like support attachments (``app.support.service.check_attachments``: the tenant's
``[support]`` count, size and types), so a tenant sets one policy for every file it accepts. Who may
read one depends on what it belongs to: KYC evidence (passports, ownership charts) only the roles that
review KYC; a limit request's papers the roles that ask for and decide limits. Another tenant's
document is "not found", like one that never existed.

A checklist item marked ``expires`` counts as complete only while one of its documents has not
expired (``expires_on`` on or after the tenant's today): an expired passport reopens the item.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from app.audit import service as audit
from app.auth.permissions import allowed, require
from app.credit import repository
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.models import CreditDocument, KycReview
from app.models.enums import KycStatus
from app.scope import Scope
from app.support.service import check_attachments
from app.tenancy.config import TenantConfig

OPEN = (KycStatus.IN_REVIEW, KycStatus.PENDING)
File = tuple[str, str, bytes]


def check_files(tenant: TenantConfig, files: list[File]) -> list[File]:
    """The files within the tenant's limits (names made safe), or ``ValidationFailed``."""
    return check_attachments(tenant, files)


def _view(row: CreditDocument) -> dict:
    return {
        "document": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "checklist_key": row.checklist_key or None,
        "expires_on": row.expires_on.isoformat() if row.expires_on else None,
    }


async def upload_kyc(
    scope: Scope,
    tenant: TenantConfig,
    review_id: int,
    checklist_key: str,
    file: File,
    expires_on: date | None = None,
) -> CreditDocument:
    """Attach one document to an open KYC review, against ``checklist_key``."""
    require(scope, "kyc.review")
    [(name, kind, content)] = check_files(tenant, [file])
    async with in_transaction():
        review = await repository.kyc_review(scope, review_id)
        if review is None or not review.started_by:
            raise NotFound("KYC review not found", field="reviewId")
        if review.status not in OPEN:
            raise Conflict(f"the review is {review.status.value} already", code="already_decided")
        item = next((i for i in review.checklist if i["key"] == checklist_key), None)
        if item is None:
            raise ValidationFailed(
                "not on this review's checklist", field="checklistKey", code="invalid_choice"
            )
        if item.get("expires") and expires_on is None:
            raise ValidationFailed(
                f"{item['label']}: say until when the document is valid", field="expiresOn", code="required"
            )
        if expires_on is not None and expires_on < tenant.today():
            raise ValidationFailed("the document has expired already", field="expiresOn", code="date_in_past")
        limit = tenant.support.attachment_max_files
        if await repository.count_documents(scope, review_id, checklist_key) >= limit:
            raise ValidationFailed(
                f"at most {limit} documents per checklist item", field="file", code="too_many"
            )
        row = await repository.add_document(
            scope,
            customer_id=review.customer_id,
            kyc_review_id=review_id,
            checklist_key=checklist_key,
            expires_on=expires_on,
            filename=name,
            content_type=kind,
            size=len(content),
            content=content,
            uploaded_by=scope.principal,
        )
        await audit.record(
            scope,
            "kyc_document.uploaded",
            target_type="customer",
            target_id=review.customer_id,
            details={"kyc_review": review_id, "before": None, "after": _view(row)},
        )
    return row


async def attach_to_request(scope: Scope, customer_id: int, request_id: int, files: list[File]) -> None:
    """Store a credit limit request's papers (checked with ``check_files`` before), in its transaction."""
    for name, kind, content in files:
        row = await repository.add_document(
            scope,
            customer_id=customer_id,
            approval_request_id=request_id,
            filename=name,
            content_type=kind,
            size=len(content),
            content=content,
            uploaded_by=scope.principal,
        )
        await audit.record(
            scope,
            "credit_document.uploaded",
            target_type="approval_request",
            target_id=request_id,
            details={"before": None, "after": _view(row)},
        )


def may_read(scope: Scope, row_or_dict) -> bool:
    """KYC evidence: ``kyc.review``; a request's papers: ``credit.request`` or ``approvals.decide``."""
    review_id = getattr(row_or_dict, "kyc_review_id", None)
    if isinstance(row_or_dict, dict):
        review_id = row_or_dict.get("kyc_review_id")
    if review_id:
        return allowed(scope, "kyc.review")
    return allowed(scope, "credit.request") or allowed(scope, "approvals.decide")


async def download(scope: Scope, document_id: int) -> CreditDocument:
    """The document with its content, for the download route."""
    require(scope, "credit.read")
    row = await repository.document(scope, document_id)
    if row is None:
        raise NotFound("document not found")
    if not may_read(scope, row):
        raise PermissionDenied("your role may not read this document")
    return row


async def of_reviews(scope: Scope, review_ids: list[int]) -> dict[int, list[dict]]:
    """Review id -> its documents (without content), for a page of reviews; empty for a role that may
    not read them."""
    if not review_ids or not allowed(scope, "kyc.review"):
        return {}
    out: dict[int, list[dict]] = {}
    for row in await repository.documents_of(scope, review_ids=review_ids):
        out.setdefault(row["kyc_review_id"], []).append(row)
    return out


async def of_requests(scope: Scope, request_ids: list[int]) -> dict[int, list[dict]]:
    if not request_ids or not (allowed(scope, "credit.request") or allowed(scope, "approvals.decide")):
        return {}
    out: dict[int, list[dict]] = {}
    for row in await repository.documents_of(scope, request_ids=request_ids):
        out.setdefault(row["approval_request_id"], []).append(row)
    return out


def item_complete(item: dict, documents: list[dict], today: date) -> bool:
    """Ticked, and for an item that ``expires`` one of its documents still valid today."""
    if not item.get("done"):
        return False
    if not item.get("expires"):
        return True
    return any(
        d["checklist_key"] == item["key"] and d["expires_on"] and d["expires_on"] >= today for d in documents
    )


async def incomplete_items(scope: Scope, review: KycReview, checklist: list[dict], today: date) -> list[dict]:
    """The items of ``checklist`` (the review's, as it is about to be) not complete today."""
    documents = await repository.documents_of(scope, review_ids=[review.id])
    return [i for i in checklist if not item_complete(i, documents, today)]
