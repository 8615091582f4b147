"""A few requests waiting in the demo's approvals inbox: a newcomer signs in as the demo credit or
finance person and has something to approve or reject.

The demo's salesperson asks for two limit increases (one within a single credit approver's tier, one
that needs credit and finance), and its collections person for a write-off, all through the same
services as the API, so they follow each tenant file's routing. A rerun adds nothing once any request
exists.
"""

from __future__ import annotations

from app.credit import limits, write_offs
from app.demo import repository
from app.errors import LedgerportError
from app.models.enums import StaffRole
from app.money import to_minor
from app.scope import PrincipalKind, Scope
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope


def _person(scope: Scope, email: str, role: StaffRole) -> Scope:
    return Scope(scope.tenant_id, scope.tenant_slug, PrincipalKind.STAFF, email, role=role)


async def waiting_requests(registry: TenantRegistry, domain_of) -> int:
    """Open the demo requests of every tenant that has none; how many were opened."""
    opened = 0
    for tenant in registry:
        config = tenant.config
        scope = await system_scope(config.slug, principal="demo")
        if await repository.has_approval_requests(scope):
            continue
        accounts = await repository.first_accounts(scope, 3)
        if len(accounts) < 3:
            continue
        domain = domain_of(tenant)
        sales = _person(scope, f"sales@{domain}", StaffRole.SALES)
        collections = _person(scope, f"collections@{domain}", StaffRole.COLLECTIONS)
        tiers = config.approvals.credit_limit
        small = tiers[0].up_to if tiers[0].up_to is not None else 10_000
        asks = [
            (
                accounts[0],
                to_minor(small, config.base_currency),
                "Seasonal stock build-up ahead of Q4 orders",
            ),
            (accounts[1], to_minor(small, config.base_currency) * 3, "New framework agreement, three sites"),
        ]
        for account, limit, reason in asks:
            if account.credit_limit == limit:
                limit += 100
            try:
                await limits.request_limit(sales, config, account.id, limit, reason)
                opened += 1
            except LedgerportError:
                continue  # a demo refinement, never a reason to stop the demo
        invoice = await repository.largest_open_invoice(scope, [accounts[2].id])
        if invoice is not None:
            amount = max(1, (invoice.total - invoice.settled) // 10)
            try:
                await write_offs.request_write_off(
                    collections, config, invoice.id, amount, "Short payment after a pricing dispute"
                )
                opened += 1
            except LedgerportError:
                pass
    return opened
