"""Which customer accounts are on credit hold.

The one read every other domain uses (dunning skips held customers, the worklist and the portal show the hold),
so "held" means the same everywhere: the account has at least one hold that nobody has released.
Placing and releasing are here too, each with its reason, who and when, and an audit line with before
and after; a hold is never deleted, so the history is what an auditor reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.credit import events, repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.text import check_text
from app.models import CreditHold
from app.models.enums import ContactRole, CreditHoldSource
from app.scope import Scope
from app.tenancy.config import TenantConfig


async def held_customer_ids(scope: Scope, customer_ids: Iterable[int] | None = None) -> set[int]:
    """The ids among ``customer_ids`` (every customer the scope sees when ``None``) with an unreleased hold."""
    return await repository.held_customer_ids(scope, customer_ids)


def _hold_view(row: CreditHold) -> dict:
    return {
        "source": str(row.source),
        "reason": row.reason,
        "placed_by": row.placed_by,
        "released_at": row.released_at.isoformat() if row.released_at else None,
        "released_by": row.released_by,
        "release_reason": row.release_reason,
    }


async def place(
    scope: Scope, customer_id: int, reason: str, source: CreditHoldSource = CreditHoldSource.MANUAL
) -> CreditHold:
    """Put the account on hold (for ``source``); one hold in force per account and source.

    Manual holds need ``credit.hold``; the automatic rules run as the system (``app.credit.hold_rules``)."""
    require(scope, "credit.hold")
    reason = check_text(reason or "", "reason", 2000, multiline=True).strip()
    if not reason:
        raise ValidationFailed("say why the account is held", field="reason", code="required")
    if await repository.customer(scope, customer_id) is None:
        raise NotFound("customer not found", field="customerId")
    async with in_transaction():
        if customer_id in await repository.held_by_source(scope, source):
            raise Conflict("the account is on hold for this reason already", code="already_on_hold")
        row = await repository.add_hold(
            scope,
            customer_id=customer_id,
            source=source,
            reason=reason,
            placed_by=scope.principal,
            placed_at=clock.now(),
        )
        await audit.record(
            scope,
            "credit_hold.placed",
            target_type="customer",
            target_id=customer_id,
            details={"hold": row.id, "before": None, "after": _hold_view(row)},
        )
        await events.hold_placed(scope, row)
    return row


async def release(scope: Scope, hold_id: int, reason: str) -> CreditHold:
    """Lift a hold, saying why; the row stays, with who released it and when (the audit trail)."""
    require(scope, "credit.hold")
    reason = check_text(reason or "", "reason", 2000, multiline=True).strip()
    if not reason:
        raise ValidationFailed("say why the hold is released", field="reason", code="required")
    async with in_transaction():
        before = await repository.hold(scope, hold_id)
        if before is None:
            raise NotFound("credit hold not found", field="id")
        changed = await repository.release_hold(
            scope, hold_id, released_at=clock.now(), released_by=scope.principal, release_reason=reason
        )
        if changed == 0:
            raise Conflict("the hold was released already", code="already_released")
        after = await repository.hold(scope, hold_id)
        await audit.record(
            scope,
            "credit_hold.released",
            target_type="customer",
            target_id=after.customer_id,
            details={"hold": hold_id, "before": _hold_view(before), "after": _hold_view(after)},
        )
        await events.hold_released(scope, after)
    return after


async def holds_of(
    scope: Scope, customer_ids: list[int], active_only: bool = True
) -> dict[int, list[CreditHold]]:
    """Customer id -> its holds, newest first (a DataLoader batch)."""
    require(scope, "credit.read")
    return await repository.holds_by_customer(scope, customer_ids, active_only)


async def portal_banner(scope: Scope, tenant: TenantConfig, customer_id: int) -> bool:
    """Whether the portal shows this contact the account's credit hold: only where the tenant file says
    so (``[credit_holds] portal_banner``), only to the account's admins, never the reason (internal)."""
    if not tenant.credit_holds.portal_banner or not scope.is_contact:
        return False
    if scope.contact_roles.get(customer_id) != ContactRole.ADMIN:
        return False
    return customer_id in await repository.held_customer_ids(scope, [customer_id])
