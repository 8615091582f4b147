"""Billing queries: raised by contacts about an account, an invoice or some of its lines; worked by staff.

Contacts act through their scope and role (``portal.ask``); staff through ``support.manage``. A request's
SLA due time comes from the tenant file's ``[support]`` hours when it is raised and again when the customer
writes after staff asked them something. Internal notes are staff-only: the contact functions never
return them. Notifications are queued through ``app.notifications`` in the transaction of the change, and
sent by a job after it commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require, require_contact
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.text import check_text
from app.models import SupportMessage, SupportRequest
from app.models.enums import MessageAuthor, SupportStatus
from app.notifications import service as notify
from app.portal import links
from app.portal.problems import raise_problems, rule_code
from app.realtime.publish import publish_when_committed
from app.scope import Scope
from app.support import repository
from app.tenancy.config import TenantConfig
from app.webhooks import payloads
from app.webhooks.events import emit

MAX_BODY = 10_000
MAX_SUBJECT = 200


@dataclass(frozen=True)
class Thread:
    request: SupportRequest
    messages: list[SupportMessage]


def _now() -> datetime:
    return clock.now()


def _check_body(body: str, field: str = "message") -> str:
    """A message: several lines of text (``app.inputs.text``), at most ``MAX_BODY`` characters."""
    if isinstance(body, str) and not body.strip():
        raise ValidationFailed("write a message", field=field)
    return check_text(body, field, MAX_BODY, multiline=True, required=True)


async def create(
    scope: Scope,
    tenant: TenantConfig,
    customer_id: int,
    subject: str,
    body: str,
    *,
    invoice_id: int | None = None,
    line_positions: list[int] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    origin: Origin = NO_ORIGIN,
) -> SupportRequest:
    """A contact raises a query about the account, or an invoice of it, or some of that invoice's lines,
    optionally with files (``(name, content type, bytes)``) within the tenant's limits."""
    require_contact(scope, "portal.ask", customer_id)
    files = check_attachments(tenant, attachments or [])
    if invoice_id is not None:
        found = await repository.invoice_customer(scope, invoice_id)
        if found is None or found[0] != customer_id:
            raise NotFound("invoice not found")
        positions = sorted(set(line_positions or []))
        if any(p < 1 or p > found[1] for p in positions):
            raise ValidationFailed("choose lines of this invoice", field="lines")
    elif line_positions:
        raise ValidationFailed("lines need an invoice", field="lines")
    else:
        positions = []
    problems = []
    try:
        subject = check_text(subject, "subject", MAX_SUBJECT, required=True)
    except ValidationFailed as exc:
        problems.append(
            ("subject", f"enter a subject (one line, at most {MAX_SUBJECT} characters)", rule_code(exc))
        )
    if not body.strip():
        problems.append(("message", "write a message"))
    raise_problems(problems)
    body = _check_body(body)
    async with in_transaction():
        request = await _store_request(
            scope, tenant, customer_id, invoice_id, positions, subject, body, files
        )
        await audit.record(
            scope, "support.created", target_type="support_request", target_id=request.id, origin=origin
        )
        await emit(scope, "support.request_created", payloads.support_request(request))
    return request


async def _store_request(
    scope: Scope,
    tenant: TenantConfig,
    customer_id: int,
    invoice_id: int | None,
    positions: list[int],
    subject: str,
    body: str,
    files: list[tuple[str, str, bytes]],
) -> SupportRequest:
    request = await repository.add_request(
        scope,
        customer_id=customer_id,
        contact_id=scope.principal_id,
        invoice_id=invoice_id,
        line_positions=positions,
        subject=subject,
        status=SupportStatus.OPEN,
        sla_due=_now() + timedelta(hours=tenant.support.sla_hours),
    )
    if files:
        await repository.add_attachments(scope, request.id, files)
    request = await _visible(scope, request.id)
    await notify.new_request(
        scope,
        tenant,
        request.id,
        request.customer.legal_name,
        subject,
        body,
        links.support_request(tenant, request.id),
    )
    await repository.add_message(
        scope,
        request_id=request.id,
        author_kind=MessageAuthor.CONTACT,
        contact_id=scope.principal_id,
        body=body,
    )
    return request


def check_attachments(
    tenant: TenantConfig, files: list[tuple[str, str, bytes]]
) -> list[tuple[str, str, bytes]]:
    """The files if they are within the tenant's count, size and type limits (``[support]``)."""
    limits = tenant.support
    if len(files) > limits.attachment_max_files:
        raise ValidationFailed(f"attach at most {limits.attachment_max_files} files", field="attachments")
    checked = []
    for name, kind, content in files:
        kind = kind.split(";")[0].strip().lower()
        if kind not in limits.attachment_types:
            raise ValidationFailed(
                f"{name}: attach only {', '.join(limits.attachment_types)}",
                field="attachments",
                code="file_type",
            )
        if len(content) > limits.attachment_max_bytes:
            raise ValidationFailed(
                f"{name}: a file may be at most {limits.attachment_max_bytes // 1024} KB",
                field="attachments",
                code="file_too_large",
            )
        safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in name.rsplit("/", 1)[-1])[:200]
        checked.append((safe or "attachment", kind, content))
    return checked


async def attachments_of(scope: Scope, request_id: int) -> list[dict]:
    await _visible(scope, request_id)
    return await repository.attachments(scope, request_id)


async def attachment(scope: Scope, attachment_id: int):
    """An attachment's row (name, type, content) if the caller may see its request."""
    if not scope.is_contact:
        require(scope, "support.manage")
    row = await repository.attachment(scope, attachment_id)
    if row is None:
        raise NotFound("attachment not found")
    return row


async def _visible(scope: Scope, request_id: int) -> SupportRequest:
    request = await repository.request(scope, request_id)
    if request is None:
        raise NotFound("support request not found")
    return request


async def list_for_account(scope: Scope, customer_id: int, limit: int = 50, offset: int = 0):
    require_contact(scope, "portal.read", customer_id)
    return await repository.requests(scope, customer_id=customer_id, limit=limit, offset=offset)


async def thread_for_contact(scope: Scope, request_id: int) -> Thread:
    """The request and its messages without internal notes."""
    request = await _visible(scope, request_id)
    require_contact(scope, "portal.read", request.customer_id)
    return Thread(request, await repository.messages(scope, request_id, include_internal=False))


async def contact_reply(
    scope: Scope, tenant: TenantConfig, request_id: int, body: str, origin: Origin = NO_ORIGIN
) -> SupportMessage:
    request = await _visible(scope, request_id)
    require_contact(scope, "portal.ask", request.customer_id)
    body = _check_body(body)
    message = await repository.add_message(
        scope,
        request_id=request_id,
        author_kind=MessageAuthor.CONTACT,
        contact_id=scope.principal_id,
        body=body,
    )
    changes: dict = {"status": SupportStatus.OPEN, "resolved_at": None}
    if request.status != SupportStatus.OPEN:
        changes["sla_due"] = _now() + timedelta(hours=tenant.support.sla_hours)
    await repository.update_request(scope, request_id, **changes)
    await audit.record(
        scope, "support.replied", target_type="support_request", target_id=request_id, origin=origin
    )
    _updated(scope, await _visible(scope, request_id))
    return message


# ---- staff side -------------------------------------------------------------------------------------------


async def queue(
    scope: Scope,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    overdue_sla: bool = False,
    customer_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[SupportRequest], int]:
    """One page of the queue, newest first, and how many requests match the filter."""
    require(scope, "support.manage")
    flt = {
        "status": status,
        "assignee_id": assignee_id,
        "customer_id": customer_id,
        "overdue_at": _now() if overdue_sla else None,
    }
    rows = await repository.requests(scope, **flt, limit=limit, offset=offset)
    return rows, await repository.count_requests(scope, **flt)


async def thread_for_staff(scope: Scope, request_id: int) -> Thread:
    require(scope, "support.manage")
    request = await _visible(scope, request_id)
    return Thread(request, await repository.messages(scope, request_id, include_internal=True))


async def _staff_member_id(scope: Scope) -> int | None:
    if scope.principal_id is not None and scope.kind.value == "staff":
        return scope.principal_id
    member = await repository.membership_of(scope, scope.principal)
    return member.id if member else None


async def staff_reply(
    scope: Scope,
    tenant: TenantConfig,
    request_id: int,
    body: str,
    *,
    internal: bool = False,
    origin: Origin = NO_ORIGIN,
) -> SupportMessage:
    """Staff answer the customer (the request then waits on them) or add an internal note (no change)."""
    require(scope, "support.manage")
    request = await _visible(scope, request_id)
    body = _check_body(body)
    async with in_transaction():
        message = await _store_reply(scope, tenant, request, body, internal)
        action = "support.note" if internal else "support.answered"
        await audit.record(scope, action, target_type="support_request", target_id=request_id, origin=origin)
        if not internal:  # an internal note is no answer, and the customer's systems never hear of it
            answered = await _visible(scope, request_id)
            await emit(scope, "support.request_answered", payloads.support_request(answered))
    return message


async def _store_reply(
    scope: Scope, tenant: TenantConfig, request: SupportRequest, body: str, internal: bool
) -> SupportMessage:
    request_id = request.id
    message = await repository.add_message(
        scope,
        request_id=request_id,
        author_kind=MessageAuthor.STAFF,
        staff_id=await _staff_member_id(scope),
        body=body,
        internal=internal,
    )
    if not internal and request.status == SupportStatus.OPEN:
        await repository.update_request(scope, request_id, status=SupportStatus.WAITING_ON_CUSTOMER)
    if not internal and request.contact is not None:
        contact = request.contact
        await notify.staff_replied(
            scope,
            tenant,
            message.id,
            contact.email,
            contact.name or contact.email,
            request.subject,
            body,
            links.support_request(tenant, request_id),
        )
    return message


async def assign(scope: Scope, request_id: int, membership_id: int | None, origin: Origin = NO_ORIGIN):
    require(scope, "support.manage")
    await _visible(scope, request_id)
    if membership_id is not None and await repository.membership(scope, membership_id) is None:
        raise NotFound("staff member not found")
    await repository.update_request(scope, request_id, assignee_id=membership_id)
    await audit.record(
        scope,
        "support.assigned",
        target_type="support_request",
        target_id=request_id,
        details={"assignee": membership_id},
        origin=origin,
    )
    return _updated(scope, await _visible(scope, request_id))


async def set_resolved(
    scope: Scope, tenant: TenantConfig, request_id: int, resolved: bool, origin: Origin = NO_ORIGIN
):
    """Resolve a request, or reopen a resolved one (its SLA starts again)."""
    require(scope, "support.manage")
    request = await _visible(scope, request_id)
    if resolved == (request.status == SupportStatus.RESOLVED):
        raise Conflict("the request is already resolved" if resolved else "the request is not resolved")
    if resolved:
        await repository.update_request(scope, request_id, status=SupportStatus.RESOLVED, resolved_at=_now())
    else:
        await repository.update_request(
            scope,
            request_id,
            status=SupportStatus.OPEN,
            resolved_at=None,
            sla_due=_now() + timedelta(hours=tenant.support.sla_hours),
        )
    action = "support.resolved" if resolved else "support.reopened"
    await audit.record(scope, action, target_type="support_request", target_id=request_id, origin=origin)
    return _updated(scope, await _visible(scope, request_id))


def _updated(scope: Scope, request: SupportRequest) -> SupportRequest:
    """Tell staff subscribed to the queue (``supportRequestUpdated``); no webhook type for it."""
    publish_when_committed(scope.tenant_id, "support.request_updated", payloads.support_request(request))
    return request
