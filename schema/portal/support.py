"""Support requests in the portal: the list, one thread (internal notes never appear), and raising one."""

from __future__ import annotations

import base64
import binascii
import datetime

import strawberry
from strawberry.types import Info

from app.errors import LedgerportError, ValidationFailed
from app.portal.access import MAX_PAGE
from app.support import service as support
from schema.common import ids
from schema.common.connections import bounded_first, bounded_offset
from schema.errors import UserError, user_errors_from
from schema.portal.mutations_common import origin_of


@strawberry.type
class SupportMessage:
    author: str = strawberry.field(description="you (a contact of the account) or support")
    author_name: str
    body: str
    created_at: datetime.datetime


@strawberry.type
class Attachment:
    id: strawberry.ID
    filename: str
    content_type: str
    size: int
    url: str


@strawberry.type(description="A billing query about the account, an invoice, or some of its lines.")
class SupportRequest:
    id: strawberry.ID
    account_id: strawberry.ID
    subject: str
    status: str
    invoice_id: strawberry.ID | None
    invoice_number: str | None
    line_positions: list[int]
    created_at: datetime.datetime
    _pk: strawberry.Private[int]

    @strawberry.field(description="The conversation, oldest first, without support's internal notes.")
    async def messages(self, info: Info) -> list[SupportMessage]:
        thread = await support.thread_for_contact(info.context.scope, self._pk)
        return [message_of(m) for m in thread.messages]

    @strawberry.field
    async def attachments(self, info: Info) -> list[Attachment]:
        rows = await support.attachments_of(info.context.scope, self._pk)
        return [attachment_of(r) for r in rows]


def attachment_of(row: dict) -> Attachment:
    opaque = ids.encode_id("Attachment", row["id"])
    return Attachment(
        id=strawberry.ID(opaque),
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        url=f"/portal/attachments/{opaque}",
    )


def message_of(m) -> SupportMessage:
    staff = m.author_kind.value == "staff"
    name = "Support" if staff else ((m.contact.name or m.contact.email) if m.contact else "")
    return SupportMessage(
        author="support" if staff else "contact", author_name=name, body=m.body, created_at=m.created_at
    )


def request_of(r) -> SupportRequest:
    invoice = r.invoice if r.invoice_id else None
    return SupportRequest(
        id=strawberry.ID(ids.encode_id("SupportRequest", r.id)),
        account_id=strawberry.ID(ids.encode_id("Account", r.customer_id)),
        subject=r.subject,
        status=r.status.value,
        invoice_id=strawberry.ID(ids.encode_id("Invoice", r.invoice_id)) if r.invoice_id else None,
        invoice_number=invoice.number if invoice else None,
        line_positions=list(r.line_positions or []),
        created_at=r.created_at,
        _pk=r.id,
    )


@strawberry.type
class SupportQuery:
    @strawberry.field(description="The account's support requests, newest first.")
    async def support_requests(
        self, info: Info, account_id: strawberry.ID, first: int = 50, offset: int = 0
    ) -> list[SupportRequest]:
        customer_id = ids.decode_id("Account", str(account_id))
        first, offset = bounded_first(first, MAX_PAGE, minimum=1), bounded_offset(offset)
        rows = await support.list_for_account(info.context.scope, customer_id, first, offset)
        return [request_of(r) for r in rows]

    @strawberry.field(description="One support request with its thread.")
    async def support_request(self, info: Info, id: strawberry.ID) -> SupportRequest:
        thread = await support.thread_for_contact(
            info.context.scope, ids.decode_id("SupportRequest", str(id))
        )
        return request_of(thread.request)


@strawberry.input(description="A file to attach, base64-encoded.")
class AttachmentInput:
    filename: str
    content_type: str
    content_base64: str


@strawberry.input
class CreateSupportRequestInput:
    account_id: strawberry.ID
    subject: str
    message: str
    invoice_id: strawberry.ID | None = None
    line_positions: list[int] | None = None
    attachments: list[AttachmentInput] | None = None


@strawberry.input
class ReplyToSupportRequestInput:
    support_request_id: strawberry.ID
    message: str


@strawberry.type
class SupportRequestPayload:
    support_request: SupportRequest | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def decode_files(files: list[AttachmentInput]) -> list[tuple[str, str, bytes]]:
    out = []
    for f in files:
        try:
            out.append((f.filename, f.content_type, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise ValidationFailed(f"{f.filename}: the content is not base64", field="attachments") from None
    return out


@strawberry.type
class SupportMutation:
    @strawberry.mutation(description="Ask about the account, an invoice, or some lines of an invoice.")
    async def create_support_request(
        self, info: Info, input: CreateSupportRequestInput
    ) -> SupportRequestPayload:
        context = info.context
        try:
            customer_id = ids.decode_id("Account", str(input.account_id))
            invoice_id = ids.decode_id("Invoice", str(input.invoice_id)) if input.invoice_id else None
            tenant = context.tenants.require(context.scope.tenant_slug).config
            created = await support.create(
                context.scope,
                tenant,
                customer_id,
                input.subject,
                input.message,
                invoice_id=invoice_id,
                line_positions=input.line_positions,
                attachments=decode_files(input.attachments or []),
                origin=origin_of(context),
            )
            thread = await support.thread_for_contact(context.scope, created.id)
        except LedgerportError as exc:
            return SupportRequestPayload(user_errors=user_errors_from(exc))
        return SupportRequestPayload(support_request=request_of(thread.request))

    @strawberry.mutation(description="Write in the thread of one of your support requests.")
    async def reply_to_support_request(
        self, info: Info, input: ReplyToSupportRequestInput
    ) -> SupportRequestPayload:
        context = info.context
        try:
            request_id = ids.decode_id("SupportRequest", str(input.support_request_id))
            tenant = context.tenants.require(context.scope.tenant_slug).config
            await support.contact_reply(context.scope, tenant, request_id, input.message, origin_of(context))
            thread = await support.thread_for_contact(context.scope, request_id)
        except LedgerportError as exc:
            return SupportRequestPayload(user_errors=user_errors_from(exc))
        return SupportRequestPayload(support_request=request_of(thread.request))
