"""Approval requests with four eyes: opened by one person, decided by others, once.

Every kind of request (a credit limit, a write-off) goes through here; its own module checks the input,
picks the route from the tenant file and says what happens on the last approval (``on_approved``),
which runs in the same transaction as that approval: when it refuses (a write-off now over the open
amount), the approval itself is not recorded either.

The rules, enforced here for every kind:

- the requester never approves or rejects their own request (``self_approval``);
- one person gives at most one of the approvals (``already_approved``; a unique key backs it);
- only the routed roles decide (``not_allowed_for_role``); with ``each_role``, the last approvals
  belong to the roles that have not approved yet (``threshold_requires_more_approvals`` for a routed
  role whose share is given);
- a decision is final (``already_decided``): approving, rejecting and withdrawing are conditional
  UPDATEs on the version the decider read, so two approvers racing on the last approval produce one
  decision, whichever engine runs underneath.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import clock
from app.approvals import repository
from app.approvals.routing import Route
from app.audit import service as audit
from app.auth.permissions import require
from app.errors import Conflict, LedgerportError, NotFound, ValidationFailed
from app.inputs.text import check_text
from app.models import ApprovalRequest
from app.models.enums import ApprovalKind, ApprovalState
from app.notifications import service as notify
from app.scope import Scope
from app.tenancy.config import TenantConfig

OnApproved = Callable[[Scope, TenantConfig, ApprovalRequest], Awaitable[None]]
#: How often an approval re-reads a request another approval changed meanwhile (not the last one).
RETRIES = 3


class ApprovalRefused(LedgerportError):
    """The caller may not decide this request (their own, approved already, not their role, decided)."""

    code = "approval_refused"


class _Stale(Exception):
    """The request changed between our read and our conditional update."""


def roles_text(roles) -> str:
    return "," + ",".join(roles) + "," if roles else ","


def roles_of(text: str) -> list[str]:
    return [r for r in text.split(",") if r]


def open_roles(roles: list[str], each_role: bool, required: int, given_roles: list[str]) -> list[str]:
    """The roles whose approval still counts after ``given_roles`` approved."""
    if not each_role:
        return list(roles)
    missing = [r for r in roles if r not in given_roles]
    remaining = required - len(given_roles)
    return missing if remaining <= len(missing) else list(roles)


@dataclass(frozen=True)
class NewRequest:
    kind: ApprovalKind
    customer_id: int
    amount: int
    currency: str
    reason: str
    route: Route
    payload: dict[str, Any] = field(default_factory=dict)
    invoice_id: int | None = None
    effective_on: date | None = None
    valid_until: date | None = None


def snapshot(row: ApprovalRequest) -> dict[str, Any]:
    """The audit trail's view of a request: what a regulator compares before and after."""
    return {
        "state": str(row.state),
        "approvals_given": row.approvals_given,
        "required_approvals": row.required_approvals,
        "open_roles": roles_of(row.open_roles),
        "decided_by": row.decided_by,
        "amount": row.amount,
        "currency": row.currency,
        "payload": row.payload,
    }


async def open_request(scope: Scope, tenant: TenantConfig, new: NewRequest) -> ApprovalRequest:
    """Write a pending request routed by ``new.route``; must run inside the caller's transaction."""
    now = clock.now()
    roles = list(new.route.roles)
    row = await repository.add(
        scope,
        kind=new.kind,
        customer_id=new.customer_id,
        invoice_id=new.invoice_id,
        amount=new.amount,
        currency=new.currency,
        payload=new.payload,
        reason=new.reason,
        requested_by=scope.principal,
        requested_at=now,
        tier=new.route.tier,
        approver_roles=roles_text(roles),
        open_roles=roles_text(open_roles(roles, new.route.each_role, new.route.approvals, [])),
        required_approvals=new.route.approvals,
        each_role=new.route.each_role,
        sla_due=now + timedelta(hours=tenant.approvals.sla_hours),
        effective_on=new.effective_on,
        valid_until=new.valid_until,
    )
    await audit.record(
        scope,
        f"{new.kind.value}.requested",
        target_type="approval_request",
        target_id=row.id,
        details={"before": None, "after": snapshot(row)},
    )
    return row


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def refusal(scope: Scope, row: ApprovalRequest, approvals) -> ApprovalRefused | None:
    """Why the caller may not approve or reject ``row`` now, or None when they may."""
    if row.state != ApprovalState.PENDING:
        return ApprovalRefused(f"the request is already {row.state.value}", code="already_decided")
    if _same(row.requested_by, scope.principal):
        return ApprovalRefused("you made this request: someone else must decide it", code="self_approval")
    if any(_same(a.approver, scope.principal) for a in approvals):
        return ApprovalRefused(
            "you approved this request already: the next approval must come from someone else",
            code="already_approved",
        )
    role = scope.role.value if scope.role else ""
    allowed = roles_of(row.open_roles)
    if role not in allowed and role in roles_of(row.approver_roles):
        # The tier names this role, but with ``each_role`` its share is given: the approvals still
        # needed are reserved for the other roles the threshold requires.
        needed = row.required_approvals - row.approvals_given
        return ApprovalRefused(
            f"this threshold needs {needed} more approval(s) from {', '.join(allowed)}: "
            f"the {role} role's approval is given already",
            code="threshold_requires_more_approvals",
        )
    if role not in allowed:
        return ApprovalRefused(
            f"the {role or scope.kind.value} role may not decide this request; it needs: {', '.join(allowed)}",
            code="not_allowed_for_role",
        )
    return None


async def _load(scope: Scope, request_id: int, kind: ApprovalKind | None) -> ApprovalRequest:
    row = await repository.get(scope, request_id)
    if row is None or (kind is not None and row.kind != kind):
        raise NotFound("approval request not found")
    return row


async def get(scope: Scope, request_id: int, kind: ApprovalKind | None = None) -> ApprovalRequest:
    require(scope, "credit.read")
    return await _load(scope, request_id, kind)


async def approve(
    scope: Scope,
    tenant: TenantConfig,
    request_id: int,
    kind: ApprovalKind,
    on_approved: OnApproved,
    note: str = "",
) -> ApprovalRequest:
    """Give the caller's approval; on the last one the request is approved and ``on_approved`` runs."""
    require(scope, "approvals.decide")
    note = check_text(note, "note", 2000, multiline=True).strip()
    for _ in range(RETRIES):
        try:
            return await _approve_once(scope, tenant, request_id, kind, on_approved, note)
        except _Stale:
            continue
    raise Conflict("the request keeps changing while you approve it; reload it and try again")


async def _approve_once(
    scope: Scope,
    tenant: TenantConfig,
    request_id: int,
    kind: ApprovalKind,
    on_approved: OnApproved,
    note: str,
) -> ApprovalRequest:
    async with in_transaction():
        row = await _load(scope, request_id, kind)
        approvals = await repository.approvals_of(scope, row.id)
        problem = refusal(scope, row, approvals)
        if problem is not None:
            raise problem
        role = scope.role.value if scope.role else ""
        now = clock.now()
        given_roles = [a.role for a in approvals] + [role]
        final = len(given_roles) >= row.required_approvals
        roles = roles_of(row.approver_roles)
        values: dict[str, Any] = {
            "approvals_given": len(given_roles),
            "open_roles": roles_text(
                [] if final else open_roles(roles, row.each_role, row.required_approvals, given_roles)
            ),
        }
        if final:
            values |= {"state": ApprovalState.APPROVED, "decided_at": now, "decided_by": scope.principal}
        try:
            await repository.add_approval(
                scope, request_id=row.id, approver=scope.principal, role=role, at=now, note=note
            )
        except IntegrityError:
            raise ApprovalRefused("you approved this request already", code="already_approved") from None
        if await repository.decide(scope, row.id, row.version, **values) == 0:
            raise _Stale
        after = await _load(scope, row.id, kind)
        if final:
            await on_approved(scope, tenant, after)
            after = await _load(scope, row.id, kind)
        await audit.record(
            scope,
            f"{kind.value}.approved" if final else f"{kind.value}.approval_given",
            target_type="approval_request",
            target_id=row.id,
            details={"before": snapshot(row), "after": snapshot(after), "role": role},
        )
    return after


async def reject(
    scope: Scope, tenant: TenantConfig, request_id: int, kind: ApprovalKind, reason: str
) -> ApprovalRequest:
    """Refuse the request for good, with the reason the requester reads; nothing it asked for changes."""
    require(scope, "approvals.decide")
    reason = check_text(reason or "", "reason", 2000, multiline=True).strip()
    if not reason:
        raise ValidationFailed("say why the request is rejected", field="reason", code="required")
    async with in_transaction():
        row = await _load(scope, request_id, kind)
        problem = refusal(scope, row, await repository.approvals_of(scope, row.id))
        if problem is not None:
            raise problem
        return await _close(scope, row, kind, ApprovalState.REJECTED, reason, {"reason": reason})


async def _close(
    scope: Scope, row: ApprovalRequest, kind: ApprovalKind, state: ApprovalState, note: str, extra: dict
) -> ApprovalRequest:
    """End a pending request without applying it (rejected or withdrawn), in the caller's transaction:
    one conditional update on its version (a decision made meanwhile wins) and its audit event."""
    values = {
        "state": state,
        "decided_at": clock.now(),
        "decided_by": scope.principal,
        "decision_note": note,
        "open_roles": roles_text([]),
    }
    if await repository.decide(scope, row.id, row.version, **values) == 0:
        raise ApprovalRefused("the request was decided meanwhile", code="already_decided")
    after = await _load(scope, row.id, kind)
    await audit.record(
        scope,
        f"{kind.value}.{state.value}",
        target_type="approval_request",
        target_id=row.id,
        details={"before": snapshot(row), "after": snapshot(after), **extra},
    )
    return after


async def withdraw(scope: Scope, request_id: int, kind: ApprovalKind, reason: str = "") -> ApprovalRequest:
    """The requester takes a pending request back; nobody else may (they reject it instead)."""
    reason = check_text(reason or "", "reason", 2000, multiline=True).strip()
    async with in_transaction():
        row = await _load(scope, request_id, kind)
        if row.state != ApprovalState.PENDING:
            raise ApprovalRefused(f"the request is already {row.state.value}", code="already_decided")
        if not _same(row.requested_by, scope.principal):
            raise ApprovalRefused("only the person who made a request may withdraw it", code="not_requester")
        return await _close(scope, row, kind, ApprovalState.WITHDRAWN, reason, {})


async def pending_for_customer(scope: Scope, kind: ApprovalKind, customer_id: int) -> ApprovalRequest | None:
    return await repository.pending_for_customer(scope, kind, customer_id)


async def inbox(scope: Scope, offset: int, limit: int) -> tuple[list[ApprovalRequest], int]:
    """What the caller may decide now, oldest first: pending, routed to their role (in the slot still
    open to it), not their own and not approved by them already."""
    require(scope, "approvals.decide")
    role = scope.role.value if scope.role else ""
    return await repository.inbox(scope, role, scope.principal, offset, limit)


@dataclass(frozen=True)
class RequestFilter:
    kind: ApprovalKind | None = None
    states: list[ApprovalState] | None = None
    customer_id: int | None = None
    requested_by: str | None = None


async def history(
    scope: Scope, flt: RequestFilter, offset: int, limit: int
) -> tuple[list[ApprovalRequest], int]:
    """Every request of the tenant matching ``flt``, newest first: the record of who asked and who decided."""
    require(scope, "credit.read")
    return await repository.page(
        scope,
        kind=flt.kind,
        states=flt.states,
        customer_id=flt.customer_id,
        requested_by=flt.requested_by,
        offset=offset,
        limit=limit,
    )


KIND_NAMES = {ApprovalKind.CREDIT_LIMIT: "a credit limit change", ApprovalKind.WRITE_OFF: "a write-off"}


async def escalate_overdue(scope: Scope, tenant: TenantConfig) -> list[ApprovalRequest]:
    """Requests still pending past their SLA: an alert on the customer and a reminder to each person who
    may decide, once per request (``escalated_at`` is set conditionally, so a second sweep adds nothing)."""
    now = clock.now()
    escalated = []
    for row in await repository.past_sla(scope, now):
        async with in_transaction():
            if await repository.mark_escalated(scope, row.id, now) == 0:
                continue
            roles = roles_of(row.open_roles)
            what = KIND_NAMES.get(row.kind, str(row.kind))
            await repository.add_alert(
                scope,
                customer_id=row.customer_id,
                invoice_id=row.invoice_id,
                rule="approval_past_sla",
                dedupe_key=f"approval_past_sla:{row.id}",
                message=f"Approval of {what} is past its SLA ({row.sla_due:%Y-%m-%d %H:%M} UTC)"[:500],
                details={"approval_request": row.id, "kind": str(row.kind), "waiting_for": roles},
            )
            for address in await repository.decider_emails(scope, roles):
                if _same(address, row.requested_by):
                    continue
                await notify.approval_reminder(
                    scope,
                    tenant,
                    row.id,
                    address,
                    what=what,
                    customer=row.customer.legal_name,
                    requester=row.requested_by,
                    requested=f"{row.requested_at:%Y-%m-%d}",
                    reason=row.reason,
                    due=f"{row.sla_due:%Y-%m-%d %H:%M} UTC",
                    needed=str(row.required_approvals - row.approvals_given),
                    roles=", ".join(roles),
                )
            await audit.record(
                scope,
                f"{row.kind.value}.escalated",
                target_type="approval_request",
                target_id=row.id,
                details={"before": {"escalated_at": None}, "after": {"escalated_at": now.isoformat()}},
            )
            escalated.append(row)
    return escalated
