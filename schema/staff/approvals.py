"""The approvals API: ``approvalInbox`` and ``approvalRequests``, and the credit limit and write-off
request mutations over ``app.approvals`` and ``app.credit`` (docs/credit-and-compliance.md).

Each mutation takes one input and answers the request as it stands after it, or ``userErrors`` with a
stable code (``self_approval``, ``already_approved``, ``already_decided``, ``not_allowed_for_role``,
``amount_over_open``, ...). Approvals come prefetched with each page of requests: no query per row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app import clock
from app.approvals import engine
from app.credit import limits, write_offs
from app.errors import LedgerportError, ValidationFailed
from app.inputs.money import parse_amount
from app.models import ApprovalRequest
from app.models.enums import ApprovalKind, ApprovalState
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, user_errors_from
from schema.permissions import requires
from schema.staff.credit_documents import CreditDocumentNode, FileUploadInput, decode_file, request_documents

ApprovalKindEnum = strawberry.enum(ApprovalKind, name="ApprovalKind")
ApprovalStateEnum = strawberry.enum(ApprovalState, name="ApprovalState")


@strawberry.type(description="One approval given on a request: by whom, in which role, when.")
class ApprovalGivenNode:
    approver: str
    role: str
    at: datetime
    note: str


@strawberry.type(description="A request for a credit limit change or a write-off, and its decision.")
class ApprovalRequestNode:
    id: strawberry.ID
    kind: ApprovalKindEnum
    state: ApprovalStateEnum
    customer_id: strawberry.ID
    customer_name: str
    invoice_id: strawberry.ID | None
    amount: Money = strawberry.field(description="The new limit, or the amount to write off.")
    current_limit: Money | None = strawberry.field(
        description="Credit limits: the limit when the request was made (null: none was set)."
    )
    reason: str
    requested_by: str
    requested_at: datetime
    sla_due: datetime = strawberry.field(description="Decided by then, or it escalates (alert and reminder).")
    past_sla: bool
    required_approvals: int
    approvals_given: int
    approver_roles: list[str] = strawberry.field(description="The roles the tenant's routing named.")
    waiting_for_roles: list[str] = strawberry.field(description="The roles whose approval still counts.")
    approvals: list[ApprovalGivenNode]
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None
    effective_on: date | None = strawberry.field(description="Credit limits: when the new limit applies.")
    applied_at: datetime | None
    valid_until: date | None = strawberry.field(
        description="A temporary limit's last day; after it the limit before comes back (the hourly sweep)."
    )
    reverted_at: datetime | None = strawberry.field(description="When the temporary limit ended.")
    pk: strawberry.Private[int]

    @strawberry.field(description="The papers attached to the request (roles that ask for or decide limits).")
    async def attachments(self, info: Info) -> list[CreditDocumentNode]:
        return await request_documents(info, self.pk)


def request_node(row: ApprovalRequest) -> ApprovalRequestNode:
    previous = (row.payload or {}).get("previous_limit")
    is_limit = row.kind == ApprovalKind.CREDIT_LIMIT
    pending = row.state == ApprovalState.PENDING
    given = sorted(getattr(row, "approvals", None) or [], key=lambda a: (a.at, a.id))
    return ApprovalRequestNode(
        id=strawberry.ID(encode_id("ApprovalRequest", row.id)),
        kind=ApprovalKindEnum(row.kind),
        state=ApprovalStateEnum(row.state),
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)),
        customer_name=row.customer.legal_name,
        invoice_id=strawberry.ID(encode_id("Invoice", row.invoice_id)) if row.invoice_id else None,
        amount=Money.of(row.amount, row.currency),
        current_limit=Money.of(previous, row.currency) if is_limit and previous is not None else None,
        reason=row.reason,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        sla_due=row.sla_due,
        past_sla=pending and row.sla_due <= clock.now(),
        required_approvals=row.required_approvals,
        approvals_given=row.approvals_given,
        approver_roles=engine.roles_of(row.approver_roles),
        waiting_for_roles=engine.roles_of(row.open_roles) if pending else [],
        approvals=[ApprovalGivenNode(approver=a.approver, role=a.role, at=a.at, note=a.note) for a in given],
        decided_at=row.decided_at,
        decided_by=row.decided_by or None,
        decision_note=row.decision_note or None,
        effective_on=row.effective_on,
        applied_at=row.applied_at,
        valid_until=row.valid_until,
        reverted_at=row.reverted_at,
        pk=row.id,
    )


@strawberry.type(description="A page of approval requests.")
class ApprovalRequestConnection(Connection[ApprovalRequestNode]):
    pass


@strawberry.input(description="Which requests to list; unset fields do not restrict.")
class ApprovalRequestFilter:
    kind: ApprovalKindEnum | None = None
    states: list[ApprovalStateEnum] | None = None
    customer_id: strawberry.ID | None = None
    requested_by: str | None = None


@strawberry.input
class RequestCreditLimitInput:
    customer_id: strawberry.ID
    limit: str = strawberry.field(description='The new limit, a decimal string like "50000.00".')
    currency: str | None = strawberry.field(
        default=None, description="Limits are in the tenant's base currency; another is refused."
    )
    reason: str
    effective_on: date | None = strawberry.field(
        default=None, description="When the new limit applies once approved; default: on approval."
    )
    valid_until: date | None = strawberry.field(
        default=None, description="A temporary limit: its last day (the tenant's date); default: open-ended."
    )
    attachments: list[FileUploadInput] | None = strawberry.field(
        default=None, description="Papers behind the request; the tenant's attachment limits apply."
    )


@strawberry.input
class RequestWriteOffInput:
    invoice_id: strawberry.ID
    amount: str = strawberry.field(description="In the invoice's currency; at most what is open.")
    reason: str


@strawberry.input
class ApproveRequestInput:
    id: strawberry.ID
    note: str = ""


@strawberry.input
class RejectRequestInput:
    id: strawberry.ID
    reason: str


@strawberry.input
class WithdrawRequestInput:
    id: strawberry.ID
    reason: str = ""


@strawberry.type
class ApprovalRequestPayload:
    request: ApprovalRequestNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _answer(
    action: Callable[[], Awaitable[ApprovalRequest]], scope, missing: str = "id"
) -> ApprovalRequestPayload:
    """Run ``action``; an object not found names ``missing`` (the id the input gave) as its field."""
    try:
        row = await action()
    except LedgerportError as exc:
        if exc.code == "not_found" and exc.field is None:
            exc.field = missing
        return ApprovalRequestPayload(user_errors=user_errors_from(exc))
    # Re-read with the customer and the approvals, as every answer shows them.
    return ApprovalRequestPayload(request=request_node(await engine.get(scope, row.id)))


def _id(raw: strawberry.ID) -> int:
    try:
        return decode_id("ApprovalRequest", raw)
    except LedgerportError as exc:
        exc.field = "id"
        raise


@strawberry.type
class ApprovalsQuery:
    @strawberry.field(
        extensions=requires("approvals.decide"),
        description="What the caller may approve or reject now, oldest first; never their own requests.",
    )
    async def approval_inbox(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ApprovalRequestConnection:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        rows, total = await engine.inbox(ctx.scope, page.offset, page.limit)
        c = connection_of(rows, page, total, request_node)
        return ApprovalRequestConnection(edges=c.edges, page_info=c.page_info, total_count=c.total_count)

    @strawberry.field(
        extensions=requires("credit.read"), description="Approval requests, newest first: the history."
    )
    async def approval_requests(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ApprovalRequestFilter | None = None,
    ) -> ApprovalRequestConnection:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        flt = engine.RequestFilter(
            kind=ApprovalKind(filter.kind.value) if filter and filter.kind else None,
            states=[ApprovalState(s.value) for s in filter.states] if filter and filter.states else None,
            customer_id=decode_id("Customer", filter.customer_id) if filter and filter.customer_id else None,
            requested_by=filter.requested_by if filter else None,
        )
        rows, total = await engine.history(ctx.scope, flt, page.offset, page.limit)
        c = connection_of(rows, page, total, request_node)
        return ApprovalRequestConnection(edges=c.edges, page_info=c.page_info, total_count=c.total_count)


@strawberry.type
class ApprovalsMutation:
    @strawberry.mutation(
        extensions=requires("credit.request"),
        description="Ask for a customer's credit limit to change; routed by the tenant's thresholds.",
    )
    async def request_credit_limit(
        self, info: Info, input: RequestCreditLimitInput
    ) -> ApprovalRequestPayload:
        ctx = info.context
        tenant = ctx.tenant_config

        async def act():
            base = tenant.base_currency
            if input.currency is not None and input.currency != base:
                raise ValidationFailed(
                    f"credit limits are held in the tenant's base currency, {base}",
                    code="currency_mismatch",
                    field="currency",
                )
            customer_id = decode_id("Customer", input.customer_id)
            limit = parse_amount(input.limit, base, "limit")
            return await limits.request_limit(
                ctx.scope,
                tenant,
                customer_id,
                limit,
                input.reason,
                input.effective_on,
                input.valid_until,
                [decode_file(f) for f in input.attachments or []],
            )

        return await _answer(act, ctx.scope, "customerId")

    @strawberry.mutation(
        extensions=requires("approvals.decide"),
        description="Give your approval; the last one changes the limit (now or on its effective date).",
    )
    async def approve_credit_request(self, info: Info, input: ApproveRequestInput) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(
            lambda: limits.approve(ctx.scope, ctx.tenant_config, _id(input.id), input.note), ctx.scope
        )

    @strawberry.mutation(
        extensions=requires("approvals.decide"), description="Refuse a credit limit request, with a reason."
    )
    async def reject_credit_request(self, info: Info, input: RejectRequestInput) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(
            lambda: limits.reject(ctx.scope, ctx.tenant_config, _id(input.id), input.reason), ctx.scope
        )

    @strawberry.mutation(
        extensions=requires("credit.request"), description="Take back your own pending credit limit request."
    )
    async def withdraw_credit_request(
        self, info: Info, input: WithdrawRequestInput
    ) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(lambda: limits.withdraw(ctx.scope, _id(input.id), input.reason), ctx.scope)

    @strawberry.mutation(
        extensions=requires("writeoffs.request"),
        description="Ask for part of an invoice to be written off; booked through ingest once approved.",
    )
    async def request_write_off(self, info: Info, input: RequestWriteOffInput) -> ApprovalRequestPayload:
        ctx = info.context

        async def act():
            invoice_id = decode_id("Invoice", input.invoice_id)
            item = await write_offs.invoice_for_request(ctx.scope, ctx.tenant_config, invoice_id)
            amount = parse_amount(input.amount, item.currency, "amount", positive=True)
            return await write_offs.request_write_off(
                ctx.scope, ctx.tenant_config, invoice_id, amount, input.reason
            )

        return await _answer(act, ctx.scope, "invoiceId")

    @strawberry.mutation(
        extensions=requires("approvals.decide"),
        description="Give your approval; the last one books the write-off (refused if more than is open).",
    )
    async def approve_write_off(self, info: Info, input: ApproveRequestInput) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(
            lambda: write_offs.approve(ctx.scope, ctx.tenant_config, _id(input.id), input.note), ctx.scope
        )

    @strawberry.mutation(
        extensions=requires("approvals.decide"), description="Refuse a write-off request, with a reason."
    )
    async def reject_write_off(self, info: Info, input: RejectRequestInput) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(
            lambda: write_offs.reject(ctx.scope, ctx.tenant_config, _id(input.id), input.reason), ctx.scope
        )

    @strawberry.mutation(
        extensions=requires("writeoffs.request"), description="Take back your own pending write-off request."
    )
    async def withdraw_write_off(self, info: Info, input: WithdrawRequestInput) -> ApprovalRequestPayload:
        ctx = info.context
        return await _answer(lambda: write_offs.withdraw(ctx.scope, _id(input.id), input.reason), ctx.scope)
