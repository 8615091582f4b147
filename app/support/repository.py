"""Every query of support requests and their messages; each starts from the caller's scope."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from app.db.scoping import new_row, related, scoped
from app.models import Invoice, Membership, SupportMessage, SupportRequest
from app.scope import Scope


def _requests(
    scope: Scope,
    customer_id: int | None,
    status: str | None,
    assignee_id: int | None,
    overdue_at: datetime | None,
):
    query = scoped(SupportRequest, scope)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if status:
        query = query.filter(status=status)
    if assignee_id is not None:
        query = query.filter(assignee_id=assignee_id)
    if overdue_at is not None:
        query = query.filter(sla_due__lt=overdue_at).exclude(status="resolved")
    return query


async def requests(
    scope: Scope,
    *,
    customer_id: int | None = None,
    status: str | None = None,
    assignee_id: int | None = None,
    overdue_at: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SupportRequest]:
    query = _requests(scope, customer_id, status, assignee_id, overdue_at)
    return (
        await query.order_by("-created_at", "-id")
        .offset(offset)
        .limit(limit)
        .prefetch_related(*related(SupportRequest, scope, "invoice"))
    )


async def count_requests(
    scope: Scope,
    *,
    customer_id: int | None = None,
    status: str | None = None,
    assignee_id: int | None = None,
    overdue_at: datetime | None = None,
) -> int:
    """How many requests ``requests`` pages through with the same filter (a connection's totalCount)."""
    return await _requests(scope, customer_id, status, assignee_id, overdue_at).count()


async def request(scope: Scope, request_id: int) -> SupportRequest | None:
    return (
        await scoped(SupportRequest, scope)
        .filter(id=request_id)
        .prefetch_related(*related(SupportRequest, scope, "invoice", "contact", "customer"))
        .first()
    )


async def messages(scope: Scope, request_id: int, *, include_internal: bool) -> list[SupportMessage]:
    query = scoped(SupportMessage, scope).filter(request_id=request_id)
    if not include_internal:
        query = query.filter(internal=False)
    return await query.order_by("created_at", "id").prefetch_related(
        *related(SupportMessage, scope, "contact")
    )


async def add_request(scope: Scope, **values) -> SupportRequest:
    row = new_row(SupportRequest, scope, **values)
    await row.save()
    return row


async def add_message(scope: Scope, **values) -> SupportMessage:
    row = new_row(SupportMessage, scope, **values)
    await row.save()
    return row


async def update_request(scope: Scope, request_id: int, **values) -> int:
    return await scoped(SupportRequest, scope).filter(id=request_id).update(**values)


async def invoice_customer(scope: Scope, invoice_id: int) -> tuple[int, int] | None:
    """(customer id, number of lines) of an invoice the caller may see."""
    row = await scoped(Invoice, scope).filter(id=invoice_id).exclude(status="draft").first()
    if row is None:
        return None
    return row.customer_id, await row.lines.all().count()


async def membership(scope: Scope, membership_id: int) -> Membership | None:
    return (
        await scoped(Membership, scope)
        .filter(Q(id=membership_id))
        .prefetch_related(*related(Membership, scope, "user"))
        .first()
    )


async def membership_of(scope: Scope, email: str) -> Membership | None:
    return await scoped(Membership, scope).filter(user__email=email).first()


async def add_attachments(scope: Scope, request_id: int, files: list[tuple[str, str, bytes]]) -> None:
    from app.models import SupportAttachment

    await SupportAttachment.bulk_create(
        [
            new_row(
                SupportAttachment,
                scope,
                request_id=request_id,
                filename=name,
                content_type=kind,
                size=len(content),
                content=content,
            )
            for name, kind, content in files
        ]
    )


async def attachments(scope: Scope, request_id: int) -> list:
    from app.models import SupportAttachment

    return (
        await scoped(SupportAttachment, scope)
        .filter(request_id=request_id)
        .order_by("id")
        .values("id", "filename", "content_type", "size")
    )


async def attachment(scope: Scope, attachment_id: int):
    from app.models import SupportAttachment

    return await scoped(SupportAttachment, scope).filter(id=attachment_id).first()
