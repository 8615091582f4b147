"""The figures of the management pack, gathered once from the API's own services.

Every figure comes from the service the API uses for it, with the same arguments, so the pack shows
exactly what ``arSummary``, ``arBreakdown``, ``arTrend``, ``customers`` and the collection worklist
return for that as-of date; nothing is recomputed here:

- KPI tiles: ``arSummary`` as of the date and as of the previous month end, and the change;
- aging by region and by segment: ``arBreakdown(by: REGION | SEGMENT)``;
- top 25 overdue customers: ``customers(orderBy: OVERDUE, hasOverdue: true)`` with the sales owner and
  the worklist's next step (``app.collections.service.next_action``);
- 12-month trend of DSO, CEI and overdue: ``arTrend(months: 12)``;
- open disputes by reason and age, credit exposure over limit (``customers(overLimit: true)``), and
  the KYC reviews due within the tenant's ``alerts.kyc_due_days``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.auth.permissions import require
from app.collections.service import next_action
from app.customers import service as customers
from app.db.replica import replica_ok
from app.disputes import service as disputes
from app.disputes.service import DisputeGroup
from app.receivables import service as receivables
from app.receivables import trend
from app.receivables.buckets import buckets_from_edges
from app.receivables.repository import CustomerOrder, GroupBy
from app.receivables.service import ArFigures
from app.receivables.trend import TrendPoint
from app.scope import Scope
from app.tenancy.config import TenantConfig

TOP_OVERDUE = 25
OVER_LIMIT_ROWS = 100
TREND_MONTHS = 12
PERIOD_DAYS = 90


def rounded(value: Decimal | None, places: int) -> Decimal | None:
    """A ratio as the API returns it: half-even to ``places`` decimals (schema.staff.receivables)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_EVEN")


@dataclass(frozen=True)
class Tile:
    label: str
    kind: str  # "money" (base minor units), "days" (2 decimals), "percent" (CEI, 3 decimals), "count"
    value: int | Decimal | None
    previous: int | Decimal | None

    @property
    def change(self) -> int | Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class OverdueRow:
    account_number: str
    name: str
    owner: str
    overdue: int
    net_balance: int
    oldest_days_past_due: int
    next_step: str


@dataclass(frozen=True)
class ExposureRow:
    account_number: str
    name: str
    risk_rating: str
    credit_limit: int
    exposure: int
    utilisation: Decimal


@dataclass(frozen=True)
class KycRow:
    account_number: str
    name: str
    kyc_status: str
    next_review: date
    days_left: int  # negative: overdue


@dataclass(frozen=True)
class PackData:
    tenant: str
    base: str
    as_of: date
    previous: date
    tiles: list[Tile]
    aging_labels: list[str]
    summary: ArFigures
    by_region: list[ArFigures]
    by_segment: list[ArFigures]
    top_overdue: list[OverdueRow]
    trend: list[TrendPoint]
    disputes: list[DisputeGroup]
    over_limit: list[ExposureRow]
    kyc_due: list[KycRow]


def previous_month_end(as_of: date) -> date:
    return as_of.replace(day=1) - timedelta(days=1)


def _tiles(now: ArFigures, before: ArFigures) -> list[Tile]:
    def pair(get, kind: str, label: str) -> Tile:
        return Tile(label, kind, get(now), get(before))

    return [
        pair(lambda f: f.base.total_open, "money", "Total open"),
        pair(lambda f: f.base.overdue, "money", "Overdue"),
        pair(lambda f: f.base.net_balance, "money", "Net balance"),
        pair(lambda f: f.credit_sales, "money", f"Credit sales ({PERIOD_DAYS} days)"),
        pair(lambda f: rounded(f.dso, 2), "days", "DSO"),
        pair(lambda f: rounded(f.average_days_delinquent, 2), "days", "Average days delinquent"),
        pair(lambda f: rounded(f.cei, 3), "percent", "CEI"),
        pair(lambda f: f.open_disputes_amount, "money", "Open disputes"),
        pair(lambda f: f.customers_over_limit, "count", "Customers over limit"),
    ]


async def _top_overdue(scope: Scope, config: TenantConfig, as_of: date) -> list[OverdueRow]:
    items, _ = await customers.list_customers(
        scope, config, as_of=as_of, order=CustomerOrder.OVERDUE, limit=TOP_OVERDUE, has_overdue=True
    )
    balances = await customers.balances_for(scope, config, [i.customer for i in items], as_of)
    return [
        OverdueRow(
            i.customer.account_number,
            i.customer.legal_name,
            i.customer.sales_owner,
            balances[i.customer.id].balances.base.overdue,
            balances[i.customer.id].balances.base.net_balance,
            i.priority.oldest_days_past_due,
            next_action(i.priority),
        )
        for i in items
    ]


async def _over_limit(scope: Scope, config: TenantConfig, as_of: date) -> list[ExposureRow]:
    items, _ = await customers.list_customers(
        scope, config, as_of=as_of, order=CustomerOrder.UTILISATION, limit=OVER_LIMIT_ROWS, over_limit=True
    )
    balances = await customers.balances_for(scope, config, [i.customer for i in items], as_of)
    rows = []
    for i in items:
        b = balances[i.customer.id]
        if b.credit_limit and b.utilisation is not None:
            rows.append(
                ExposureRow(
                    i.customer.account_number,
                    i.customer.legal_name,
                    str(i.customer.risk_rating),
                    b.credit_limit,
                    b.exposure,
                    b.utilisation,
                )
            )
    return rows


@replica_ok
async def gather(scope: Scope, config: TenantConfig, as_of: date) -> PackData:
    """Every figure of the pack, from the API's services (see the module docstring)."""
    require(scope, "ar.read")
    require(scope, "credit.read")  # over-limit exposure and KYC reviews are credit data
    previous = previous_month_end(as_of)
    now = await receivables.ar_summary(scope, config, as_of=as_of, period_days=PERIOD_DAYS)
    before = await receivables.ar_summary(scope, config, as_of=previous, period_days=PERIOD_DAYS)
    by_region, by_segment = await asyncio.gather(
        receivables.ar_breakdown(scope, config, by=GroupBy.REGION, as_of=as_of, period_days=PERIOD_DAYS),
        receivables.ar_breakdown(scope, config, by=GroupBy.SEGMENT, as_of=as_of, period_days=PERIOD_DAYS),
    )
    points = await trend.ar_trend(scope, config, as_of=as_of, months=TREND_MONTHS)
    kyc = await customers.kyc_reviews_due(scope, as_of, config.alerts.kyc_due_days)
    return PackData(
        tenant=config.name,
        base=config.base_currency,
        as_of=as_of,
        previous=previous,
        tiles=_tiles(now, before),
        aging_labels=[b.label for b in buckets_from_edges(config.aging.buckets)],
        summary=now,
        by_region=by_region,
        by_segment=by_segment,
        top_overdue=await _top_overdue(scope, config, as_of),
        trend=points,
        disputes=await disputes.open_by_reason_and_age(scope, config.base_currency, as_of),
        over_limit=await _over_limit(scope, config, as_of),
        kyc_due=[
            KycRow(c.account_number, c.legal_name, str(c.kyc_status), c.kyc_next_review,
                   (c.kyc_next_review - as_of).days)
            for c in kyc
        ],
    )  # fmt: skip
