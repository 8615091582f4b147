"""Credit and KYC documents in the staff API: the document node with its download URL, the file input
(base64, like the portal's support attachments; ``uploadKycDocument`` in schema/staff/kyc.py and
``requestCreditLimit`` take it) and the loader that brings a page's documents in one query.

The bytes are checked in ``app.credit.documents`` against the tenant's attachment limits; the download
is ``/documents/credit/{id}`` (app/web/documents.py), for the roles that may read the document.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app.credit import documents
from app.errors import ValidationFailed
from schema.common.dataloaders import batch_loader
from schema.common.ids import encode_id


@strawberry.type(description="A document on file: KYC evidence or a credit limit request's papers.")
class CreditDocumentNode:
    id: strawberry.ID
    filename: str
    content_type: str
    size: int
    checklist_key: str | None
    expires_on: date | None
    expired: bool = strawberry.field(description="Past its expiry date (the tenant's today).")
    uploaded_by: str
    uploaded_at: datetime
    url: str = strawberry.field(description="The download: GET with the same credentials as /graphql.")


def document_node(row: dict, today: date) -> CreditDocumentNode:
    opaque = encode_id("CreditDocument", row["id"])
    return CreditDocumentNode(
        id=strawberry.ID(opaque),
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        checklist_key=row["checklist_key"] or None,
        expires_on=row["expires_on"],
        expired=row["expires_on"] is not None and row["expires_on"] < today,
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["created_at"],
        url=f"/documents/credit/{opaque}",
    )


@strawberry.input(description="A file, base64-encoded; the tenant's attachment limits apply.")
class FileUploadInput:
    filename: str
    content_type: str
    content_base64: str


def decode_file(f: FileUploadInput, field: str = "attachments") -> documents.File:
    try:
        return (f.filename, f.content_type, base64.b64decode(f.content_base64, validate=True))
    except (binascii.Error, ValueError):
        raise ValidationFailed(f"{f.filename}: the content is not base64", field=field) from None


async def request_documents(info: Info, request_id: int) -> list[CreditDocumentNode]:
    scope = info.context.scope
    loader = batch_loader(
        info, "CreditDocumentsByApprovalRequestLoader", lambda ids: documents.of_requests(scope, ids), []
    )
    today = info.context.today()
    return [document_node(r, today) for r in await loader.load(request_id)]
