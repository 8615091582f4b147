"""Automatic credit holds by the tenant file's ``[credit_holds]`` rules, placed by the hourly sweep.

Each rule finds its customers in set-based reads over the tenant: over the limit by more than the
percentage (the exposure of metrics.md Credit, as the ``credit_limit_exceeded`` alert reads it), KYC
rejected / expired / past its review date, or at least N broken promises. A customer already held for
that reason gets no second hold, so the sweep may run any number of times.
"""

from __future__ import annotations

from decimal import Decimal

from app.alerts.repositories import conditions
from app.credit import holds, repository
from app.customers import service as customers
from app.customers.filters import CustomerFilter
from app.errors import Conflict
from app.models.enums import CreditHoldSource
from app.money import format_decimal_string
from app.scope import Scope
from app.tenancy.config import TenantConfig


async def _over_limit(scope: Scope, tenant: TenantConfig, percent: Decimal) -> dict[int, str]:
    today = tenant.today()
    accounts, offset = [], 0
    while True:
        items, total = await customers.list_customers(
            scope, tenant, as_of=today, flt=CustomerFilter(), over_limit=True, with_priority=False,
            offset=offset, limit=500,
        )  # fmt: skip
        accounts += [i.customer for i in items]
        offset += len(items)
        if not items or offset >= total:
            break
    found = await customers.balances_for(scope, tenant, accounts, today) if accounts else {}
    base = tenant.base_currency
    out = {}
    for account in accounts:
        b = found[account.id]
        limit = b.credit_limit or 0
        if limit <= 0 or b.exposure * 100 <= limit * (100 + percent):
            continue
        out[account.id] = (
            f"Exposure {format_decimal_string(b.exposure, base)} {base} is more than {percent} % over the "
            f"credit limit of {format_decimal_string(limit, base)} {base}"
        )
    return out


async def _kyc(scope: Scope, tenant: TenantConfig) -> dict[int, str]:
    today = tenant.today()
    out = {}
    for row in await repository.kyc_failed_or_expired(scope, today):
        status = str(row["kyc_status"])
        if status in ("rejected", "expired"):
            out[row["id"]] = f"KYC {status}"
        else:
            out[row["id"]] = f"KYC review overdue since {row['kyc_next_review']}"
    return out


async def _broken_promises(scope: Scope, tenant: TenantConfig, at_least: int) -> dict[int, str]:
    counts: dict[int, int] = {}
    for row in await conditions.broken_promises(scope, tenant.today(), None):
        counts[row["customer_id"]] = counts.get(row["customer_id"], 0) + row["items"]
    return {c: f"{n} broken promises to pay" for c, n in counts.items() if n >= at_least}


async def apply_rules(scope: Scope, tenant: TenantConfig) -> int:
    """Place the holds the rules call for and that are not in force yet; how many were placed."""
    rules = tenant.credit_holds
    wanted: list[tuple[CreditHoldSource, dict[int, str]]] = []
    if rules.over_limit_percent is not None:
        wanted.append(
            (CreditHoldSource.OVER_LIMIT, await _over_limit(scope, tenant, rules.over_limit_percent))
        )
    if rules.kyc:
        wanted.append((CreditHoldSource.KYC, await _kyc(scope, tenant)))
    if rules.broken_promises is not None:
        wanted.append(
            (CreditHoldSource.BROKEN_PROMISE, await _broken_promises(scope, tenant, rules.broken_promises))
        )
    placed = 0
    rule_scope = Scope.system(scope.tenant_id, scope.tenant_slug, principal="rule:credit_holds")
    for source, found in wanted:
        already = await repository.held_by_source(scope, source)
        for customer_id, reason in sorted(found.items()):
            if customer_id in already:
                continue
            try:
                await holds.place(rule_scope, customer_id, reason, source)
            except Conflict:
                continue  # a second sweep placed it between our read and our write
            placed += 1
    return placed
