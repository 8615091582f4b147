"""Every query of approval requests and approvals given; each starts from the scope.

``decide`` is the conditional UPDATE the four-eyes guarantees rest on: it changes a request only while
it is still pending at the version its caller read, and says how many rows it changed.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F, Q, Subquery

from app.db.scoping import joined, new_row, related, scoped
from app.models import Alert, ApprovalGiven, ApprovalRequest, Membership
from app.models.enums import ApprovalKind, ApprovalState
from app.scope import Scope


async def add(scope: Scope, **values) -> ApprovalRequest:
    row = new_row(ApprovalRequest, scope, **values)
    await row.save()
    return row


async def get(scope: Scope, request_id: int) -> ApprovalRequest | None:
    return (
        await joined(scoped(ApprovalRequest, scope).filter(id=request_id), scope, "customer")
        .prefetch_related(*related(ApprovalRequest, scope, "approvals"))
        .first()
    )


async def approvals_of(scope: Scope, request_id: int) -> list[ApprovalGiven]:
    return await scoped(ApprovalGiven, scope).filter(request_id=request_id).order_by("at", "id")


async def add_approval(scope: Scope, **values) -> ApprovalGiven:
    row = new_row(ApprovalGiven, scope, **values)
    await row.save()
    return row


async def pending_for_customer(scope: Scope, kind: ApprovalKind, customer_id: int) -> ApprovalRequest | None:
    return (
        await scoped(ApprovalRequest, scope)
        .filter(kind=kind, customer_id=customer_id, state=ApprovalState.PENDING)
        .first()
    )


async def decide(scope: Scope, request_id: int, version: int, **values) -> int:
    """Change a pending request seen at ``version`` (and bump the version); 0 when someone was faster."""
    return (
        await scoped(ApprovalRequest, scope)
        .filter(id=request_id, version=version, state=ApprovalState.PENDING)
        .update(version=F("version") + 1, **values)
    )


async def mark_applied(scope: Scope, request_id: int, at: datetime) -> int:
    """Record that an approved request took effect; 0 when it already had (a job ran twice)."""
    return (
        await scoped(ApprovalRequest, scope)
        .filter(id=request_id, state=ApprovalState.APPROVED, applied_at__isnull=True)
        .update(applied_at=at, version=F("version") + 1)
    )


async def merge_payload(scope: Scope, request_id: int, payload: dict) -> int:
    return await scoped(ApprovalRequest, scope).filter(id=request_id).update(payload=payload)


async def mark_reverted(scope: Scope, request_id: int, at: datetime) -> int:
    """Record that a temporary limit ended; 0 when it already had (a job ran twice)."""
    return (
        await scoped(ApprovalRequest, scope)
        .filter(id=request_id, applied_at__isnull=False, reverted_at__isnull=True, valid_until__isnull=False)
        .update(reverted_at=at, version=F("version") + 1)
    )


async def temporary_ended(scope: Scope, kind: ApprovalKind, today, limit: int = 500) -> list[ApprovalRequest]:
    """Applied temporary requests whose last day is before ``today``, not reverted yet."""
    return await (
        scoped(ApprovalRequest, scope)
        .filter(kind=kind, applied_at__isnull=False, reverted_at__isnull=True, valid_until__lt=today)
        .order_by("valid_until", "id")
        .limit(limit)
    )


async def mark_escalated(scope: Scope, request_id: int, at: datetime) -> int:
    return (
        await scoped(ApprovalRequest, scope)
        .filter(id=request_id, state=ApprovalState.PENDING, escalated_at__isnull=True)
        .update(escalated_at=at)
    )


async def past_sla(scope: Scope, now: datetime, limit: int = 500) -> list[ApprovalRequest]:
    return await (
        joined(
            scoped(ApprovalRequest, scope).filter(
                state=ApprovalState.PENDING, sla_due__lte=now, escalated_at__isnull=True
            ),
            scope,
            "customer",
        )
        .order_by("sla_due", "id")
        .limit(limit)
    )


async def due_to_apply(scope: Scope, kind: ApprovalKind, today, limit: int = 500) -> list[ApprovalRequest]:
    return await (
        scoped(ApprovalRequest, scope)
        .filter(kind=kind, state=ApprovalState.APPROVED, applied_at__isnull=True, effective_on__lte=today)
        .order_by("effective_on", "id")
        .limit(limit)
    )


def _inbox_query(scope: Scope, role: str, principal: str):
    """Pending requests the caller's role may approve, not requested by the caller and not yet
    approved by them. (``each_role`` slots are checked per request afterwards: rare and cheap.)"""
    mine = scoped(ApprovalGiven, scope).filter(approver=principal).values_list("request_id", flat=True)
    return (
        scoped(ApprovalRequest, scope)
        .filter(state=ApprovalState.PENDING)
        .exclude(requested_by=principal)
        .exclude(id__in=Subquery(mine))
        .filter(open_roles__contains=f",{role},")
    )


async def inbox(scope: Scope, role: str, principal: str, offset: int, limit: int) -> tuple[list, int]:
    query = _inbox_query(scope, role, principal)
    total = await query.count()
    rows = await (
        joined(query, scope, "customer")
        .prefetch_related(*related(ApprovalRequest, scope, "approvals"))
        .order_by("requested_at", "id")
        .offset(offset)
        .limit(limit)
    )
    return rows, total


async def page(
    scope: Scope,
    *,
    kind: ApprovalKind | None,
    states: list[ApprovalState] | None,
    customer_id: int | None,
    requested_by: str | None,
    offset: int,
    limit: int,
) -> tuple[list[ApprovalRequest], int]:
    query = scoped(ApprovalRequest, scope)
    if kind is not None:
        query = query.filter(kind=kind)
    if states:
        query = query.filter(state__in=states)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if requested_by:
        query = query.filter(Q(requested_by=requested_by))
    total = await query.count()
    rows = await (
        joined(query, scope, "customer")
        .prefetch_related(*related(ApprovalRequest, scope, "approvals"))
        .order_by("-requested_at", "-id")
        .offset(offset)
        .limit(limit)
    )
    return rows, total


async def decider_emails(scope: Scope, roles: list[str]) -> list[str]:
    """The addresses of the tenant's active staff holding one of ``roles``."""
    rows = await (
        scoped(Membership, scope)
        .filter(role__in=roles, active=True)
        .order_by("id")
        .values_list("user__email", flat=True)
    )
    return [e for e in rows if e]


async def add_alert(scope: Scope, **values) -> Alert:
    alert = new_row(Alert, scope, **values)
    await alert.save()
    return alert
