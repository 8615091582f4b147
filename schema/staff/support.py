"""The support queue and dispute decisions for staff.

Support staff page through requests (a Relay connection, like every list) by status, assignee, breached
SLA and customer; assign, answer the customer, add internal notes (never shown in the portal), resolve and
reopen. Finance decides disputes: accepting issues a credit note for the accepted amount. Every field
declares its permission; services check again.
"""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.disputes import service as disputes
from app.errors import LedgerportError
from app.inputs.money import parse_amount
from app.inputs.text import check_text
from app.money import format_decimal_string
from app.support import service as support
from schema.common import ids
from schema.common.connections import Connection, connection_of, page_of
from schema.errors import UserError, user_errors_from
from schema.permissions import requires


@strawberry.enum(description="Where a support request stands.")
class SupportStatus(Enum):
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"


@strawberry.input
class SupportQueueFilter:
    status: SupportStatus | None = None
    assignee_id: strawberry.ID | None = None
    overdue_sla: bool = False
    customer_id: strawberry.ID | None = None


@strawberry.type
class QueueMessage:
    author: str = strawberry.field(description="contact or staff")
    body: str
    internal: bool
    created_at: datetime.datetime


@strawberry.type(description="A customer's billing query in the support queue.")
class QueueRequest:
    id: strawberry.ID
    customer_id: strawberry.ID
    subject: str
    status: SupportStatus
    invoice_number: str | None
    line_positions: list[int]
    assignee_id: strawberry.ID | None
    sla_due: datetime.datetime | None
    created_at: datetime.datetime
    _pk: strawberry.Private[int]

    @strawberry.field(
        description="The whole thread, internal notes included.", extensions=requires("support.manage")
    )
    async def messages(self, info: Info) -> list[QueueMessage]:
        thread = await support.thread_for_staff(info.context.scope, self._pk)
        return [
            QueueMessage(
                author=m.author_kind.value, body=m.body, internal=m.internal, created_at=m.created_at
            )
            for m in thread.messages
        ]


def queue_request(r) -> QueueRequest:
    return QueueRequest(
        id=strawberry.ID(ids.encode_id("SupportRequest", r.id)),
        customer_id=strawberry.ID(ids.encode_id("Customer", r.customer_id)),
        subject=r.subject,
        status=SupportStatus(r.status.value),
        invoice_number=r.invoice.number if r.invoice_id and r.invoice else None,
        line_positions=list(r.line_positions or []),
        assignee_id=strawberry.ID(ids.encode_id("Member", r.assignee_id)) if r.assignee_id else None,
        sla_due=r.sla_due,
        created_at=r.created_at,
        _pk=r.id,
    )


@strawberry.type(description="An amount a customer contests.")
class OpenDispute:
    id: strawberry.ID
    customer_id: strawberry.ID
    invoice_number: str | None
    amount: str
    currency_code: str
    reason_code: str
    status: str
    opened_on: datetime.date
    sla_due: datetime.datetime | None


def open_dispute(d) -> OpenDispute:
    return OpenDispute(
        id=strawberry.ID(ids.encode_id("Dispute", d.id)),
        customer_id=strawberry.ID(ids.encode_id("Customer", d.customer_id)),
        invoice_number=d.invoice.number if d.invoice_id and d.invoice else None,
        amount=format_decimal_string(d.amount, d.currency),
        currency_code=d.currency,
        reason_code=d.reason_code,
        status=d.status.value,
        opened_on=d.opened_on,
        sla_due=d.sla_due,
    )


def _optional(kind: str, value) -> int | None:
    return ids.decode_id(kind, str(value)) if value else None


@strawberry.type
class SupportQueueQuery:
    @strawberry.field(description="The support queue, newest first.", extensions=requires("support.manage"))
    async def support_requests(
        self,
        info: Info,
        filter: SupportQueueFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[QueueRequest]:
        page = page_of(first, after, info.context.settings.max_page_size)
        f = filter or SupportQueueFilter()
        rows, total = await support.queue(
            info.context.scope,
            status=f.status.value if f.status else None,
            assignee_id=_optional("Member", f.assignee_id),
            overdue_sla=f.overdue_sla,
            customer_id=_optional("Customer", f.customer_id),
            limit=page.limit,
            offset=page.offset,
        )
        return connection_of(rows, page, total, queue_request)

    @strawberry.field(description="Disputes still open or under review.", extensions=requires("ar.read"))
    async def open_disputes(self, info: Info, customer_id: strawberry.ID | None = None) -> list[OpenDispute]:
        rows = await disputes.open_disputes(info.context.scope, _optional("Customer", customer_id))
        return [open_dispute(d) for d in rows]


@strawberry.input
class AssignSupportRequestInput:
    support_request_id: strawberry.ID
    assignee_id: strawberry.ID | None = None


@strawberry.input
class SupportMessageInput:
    support_request_id: strawberry.ID
    message: str


@strawberry.input
class SupportRequestInput:
    support_request_id: strawberry.ID


@strawberry.type
class QueuePayload:
    support_request: QueueRequest | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum
class DisputeDecision(Enum):
    ACCEPT = "accept"
    PARTIAL = "partial"
    REJECT = "reject"


@strawberry.input
class DecideDisputeInput:
    dispute_id: strawberry.ID
    decision: DisputeDecision
    accepted_amount: str | None = strawberry.field(default=None, description='For PARTIAL, e.g. "100.00".')
    reason: str = ""


@strawberry.type
class DecideDisputePayload:
    dispute: OpenDispute | None = None
    credit_note_number: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _after(info: Info, request_id: int) -> QueuePayload:
    thread = await support.thread_for_staff(info.context.scope, request_id)
    return QueuePayload(support_request=queue_request(thread.request))


def _tenant(info: Info):
    context = info.context
    return context.tenants.require(context.scope.tenant_slug).config


@strawberry.type
class SupportQueueMutation:
    @strawberry.mutation(
        description="Give a request to a staff member, or nobody.", extensions=requires("support.manage")
    )
    async def assign_support_request(self, info: Info, input: AssignSupportRequestInput) -> QueuePayload:
        try:
            pk = ids.decode_id("SupportRequest", str(input.support_request_id))
            await support.assign(
                info.context.scope, pk, _optional("Member", input.assignee_id), info.context.origin
            )
            return await _after(info, pk)
        except LedgerportError as exc:
            return QueuePayload(user_errors=user_errors_from(exc))

    @strawberry.mutation(
        description="Answer the customer; they are emailed.", extensions=requires("support.manage")
    )
    async def answer_support_request(self, info: Info, input: SupportMessageInput) -> QueuePayload:
        return await _message(info, input, internal=False)

    @strawberry.mutation(description="A note for staff only.", extensions=requires("support.manage"))
    async def add_internal_note(self, info: Info, input: SupportMessageInput) -> QueuePayload:
        return await _message(info, input, internal=True)

    @strawberry.mutation(extensions=requires("support.manage"))
    async def resolve_support_request(self, info: Info, input: SupportRequestInput) -> QueuePayload:
        return await _resolve(info, input, True)

    @strawberry.mutation(extensions=requires("support.manage"))
    async def reopen_support_request(self, info: Info, input: SupportRequestInput) -> QueuePayload:
        return await _resolve(info, input, False)

    @strawberry.mutation(
        description="Accept (credit note for all), partially accept (credit note for part) or reject a dispute.",
        extensions=requires("disputes.decide"),
    )
    async def decide_dispute(self, info: Info, input: DecideDisputeInput) -> DecideDisputePayload:
        context = info.context
        try:
            pk = ids.decode_id("Dispute", str(input.dispute_id))
            accepted = None
            if input.accepted_amount is not None:
                found = await disputes.get(context.scope, pk)
                accepted = parse_amount(input.accepted_amount, found.currency, "acceptedAmount")
            decided = await disputes.decide(
                context.scope,
                _tenant(info),
                pk,
                input.decision.value,
                accepted_amount=accepted,
                note=check_text(input.reason, "reason", 10_000, multiline=True),
                origin=context.origin,
            )
        except LedgerportError as exc:
            return DecideDisputePayload(user_errors=user_errors_from(exc))
        return DecideDisputePayload(
            dispute=open_dispute(decided.dispute),
            credit_note_number=decided.credit_note.number if decided.credit_note else None,
        )


async def _message(info: Info, input: SupportMessageInput, *, internal: bool) -> QueuePayload:
    try:
        pk = ids.decode_id("SupportRequest", str(input.support_request_id))
        await support.staff_reply(
            info.context.scope,
            _tenant(info),
            pk,
            input.message,
            internal=internal,
            origin=info.context.origin,
        )
        return await _after(info, pk)
    except LedgerportError as exc:
        return QueuePayload(user_errors=user_errors_from(exc))


async def _resolve(info: Info, input: SupportRequestInput, resolved: bool) -> QueuePayload:
    try:
        pk = ids.decode_id("SupportRequest", str(input.support_request_id))
        await support.set_resolved(info.context.scope, _tenant(info), pk, resolved, info.context.origin)
        return await _after(info, pk)
    except LedgerportError as exc:
        return QueuePayload(user_errors=user_errors_from(exc))
