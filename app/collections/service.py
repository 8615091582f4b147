"""The collection worklist: customers with dunnable overdue amounts, highest priority first, each with the
parts of its score (``app.customers.priority``) and a suggested next action.

Suggested next action, first rule that applies:
1. ``resolve_dispute``: open disputes hold out everything overdue (nothing left to dun).
2. ``escalate``: a promise to pay was broken.
3. ``credit_hold_review``: the customer is over its credit limit.
4. ``final_notice``: the oldest overdue invoice is more than 90 days past due.
5. ``call``: more than 30 days past due.
6. ``send_reminder``: otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.auth.permissions import require
from app.customers import service as customers
from app.customers.filters import NO_FILTER, CustomerFilter
from app.customers.service import CustomerListItem, PriorityParts
from app.db.lanes import heavy_reads
from app.receivables.repository import CustomerOrder
from app.scope import Scope
from app.tenancy.config import TenantConfig


def next_action(parts: PriorityParts) -> str:
    if parts.disputed > 0 and parts.weighted_overdue == 0:
        return "resolve_dispute"
    if parts.broken_promise:
        return "escalate"
    if parts.over_limit:
        return "credit_hold_review"
    if parts.oldest_days_past_due > 90:
        return "final_notice"
    if parts.oldest_days_past_due > 30:
        return "call"
    return "send_reminder"


@dataclass(frozen=True)
class WorklistEntry:
    item: CustomerListItem
    action: str


@heavy_reads
async def worklist(
    scope: Scope,
    config: TenantConfig,
    *,
    as_of: date,
    flt: CustomerFilter = NO_FILTER,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[WorklistEntry], int]:
    """Customers with something overdue as of ``as_of``, by priority score (largest first)."""
    require(scope, "ar.read")
    items, total = await customers.list_customers(
        scope,
        config,
        as_of=as_of,
        flt=flt,
        order=CustomerOrder.PRIORITY,
        offset=offset,
        limit=limit,
        has_overdue=True,
    )
    return [WorklistEntry(item, next_action(item.priority)) for item in items], total
