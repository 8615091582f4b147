"""Who may hear an event: the rules a query applies, applied to each event before it is sent.

A subscriber's scope is the one its queries run with (tenant, the contact's accounts, the sales
owner rule). An event of another tenant never reaches this check (the hub routes by tenant), and is
refused here too; an event about a customer the scope cannot read is dropped as a query would answer
"not found"; an event about no customer (a job, a tenant-wide alert) only reaches callers who see
every customer of the tenant.
"""

from __future__ import annotations

from collections.abc import Callable

from app.realtime import repository
from app.realtime.events import Event
from app.scope import Scope


def prefilter(scope: Scope) -> Callable[[Event], bool]:
    """The checks that need no database read, run for each event as it arrives in the hub."""
    sees_all = scope.customer_ids is None and scope.sales_owner is None

    def accepts(event: Event) -> bool:
        if event.tenant_id != scope.tenant_id:
            return False
        if event.customer_id is None:
            return sees_all
        return scope.customer_ids is None or event.customer_id in scope.customer_ids

    return accepts


async def may_see(scope: Scope, event: Event) -> bool:
    """``prefilter`` and, for a sales person who sees own customers only, the customer's owner as the
    database has it now (an owner changed since the subscription started applies at once)."""
    if not prefilter(scope)(event):
        return False
    if scope.sales_owner is not None and event.customer_id is not None:
        return await repository.customer_visible(scope, event.customer_id)
    return True
