"""Payment behaviour and profitability of customers (metrics.md), many customers per call.

Payment behaviour looks at invoices fully settled in the 12 months to the as-of date: the settled date is
the date of the movement (allocation, credit application, write-off) that brought the open amount to 0.
Amount weights are invoice totals in their own currency (a customer is normally invoiced in one).
Profitability converts each per-currency total at the period's end rate (metrics.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.auth.permissions import require
from app.customers.filters import CustomerFilter
from app.fx.service import converter
from app.receivables import repository
from app.receivables.repository import GroupBy
from app.scope import Scope
from app.tenancy.config import TenantConfig

BEHAVIOUR_WINDOW_DAYS = 365


@dataclass(frozen=True)
class PaymentBehaviour:
    settled_count: int
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None
    on_time_rate: Decimal | None


NO_HISTORY = PaymentBehaviour(0, None, None, None)


def behaviour_of(row: dict | None) -> PaymentBehaviour:
    if not row or not row["count"] or not row["weight"]:
        return NO_HISTORY
    weight = Decimal(row["weight"])
    return PaymentBehaviour(
        settled_count=row["count"],
        average_days_to_pay=Decimal(row["weighted_days_to_pay"]) / weight,
        average_days_late=Decimal(row["weighted_days_late"]) / weight,
        on_time_rate=Decimal(row["on_time"]) / Decimal(row["count"]),
    )


async def payment_behaviour_for(
    scope: Scope, customer_ids: list[int], as_of: date
) -> dict[int, PaymentBehaviour]:
    """ADP, average days late and on-time rate of each customer over the 12 months to ``as_of``."""
    require(scope, "ar.read")
    if not customer_ids:
        return {}
    rows = await repository.payment_behaviour(
        scope,
        CustomerFilter(customer_ids=frozenset(customer_ids)),
        as_of,
        as_of - timedelta(days=BEHAVIOUR_WINDOW_DAYS),
    )
    by_id = {int(r["grp"]): r for r in rows}
    return {customer_id: behaviour_of(by_id.get(customer_id)) for customer_id in customer_ids}


@dataclass(frozen=True)
class Profitability:
    """Base currency minor units; margin figures are None when no invoice line carries a cost."""

    revenue: int
    previous_revenue: int
    gross_margin: int | None
    margin_rate: Decimal | None  # gross margin / revenue
    growth: Decimal | None  # revenue / previous revenue - 1


async def profitability_for(
    scope: Scope, config: TenantConfig, customer_ids: list[int], as_of: date, period_days: int = 365
) -> dict[int, Profitability]:
    """Trailing-period revenue, gross margin and growth versus the period before, per customer."""
    require(scope, "ar.read")
    if not customer_ids:
        return {}
    flt = CustomerFilter(customer_ids=frozenset(customer_ids))
    start = as_of - timedelta(days=period_days)
    current = await repository.profitability(scope, flt, start, as_of, GroupBy.CUSTOMER)
    previous = await repository.profitability(
        scope, flt, start - timedelta(days=period_days), start, GroupBy.CUSTOMER
    )
    fx = await converter(scope, config.base_currency, {r["currency"] for r in current + previous}, as_of)
    revenue: dict[int, int] = defaultdict(int)
    cost: dict[int, int] = defaultdict(int)
    costed: dict[int, int] = defaultdict(int)
    before: dict[int, int] = defaultdict(int)
    for r in current:
        customer_id = int(r["grp"])
        revenue[customer_id] += fx.convert(r["revenue"], r["currency"])
        cost[customer_id] += fx.convert(r["cost"], r["currency"])
        costed[customer_id] += r["costed"]
    for r in previous:
        before[int(r["grp"])] += fx.convert(r["revenue"], r["currency"])
    out = {}
    for customer_id in customer_ids:
        rev, prev = revenue[customer_id], before[customer_id]
        margin = rev - cost[customer_id] if costed[customer_id] else None
        out[customer_id] = Profitability(
            revenue=rev,
            previous_revenue=prev,
            gross_margin=margin,
            margin_rate=Decimal(margin) / Decimal(rev) if margin is not None and rev else None,
            growth=Decimal(rev) / Decimal(prev) - 1 if prev else None,
        )
    return out
