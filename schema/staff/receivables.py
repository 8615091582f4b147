"""``arSummary`` and ``arBreakdown``: receivables figures as of any date (metrics.md).

Ratios are Floats rounded half-even: DSO, countback DSO, best possible DSO and average days delinquent to 2
decimals (days), CEI to 3 decimals (a percentage; the worked example's 34.375 comes out exactly). They are
computed unrounded from base-currency figures and rounded once here; ADD is DSO - BPDSO before rounding.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from app.receivables import service, trend
from app.receivables.repository import GroupBy
from app.receivables.service import ArFigures, Totals
from schema.common.money import Money
from schema.permissions import requires
from schema.staff.filters import CustomerFilter, domain_filter


def rounded(value: Decimal | None, places: int) -> float | None:
    """A ratio for the API: half-even to ``places`` decimals, null stays null."""
    if value is None:
        return None
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


@strawberry.enum(description="A dimension to break receivables down by.")
class ArDimension(Enum):
    REGION = "region"
    SEGMENT = "segment"
    COUNTRY = "country"
    CURRENCY = "currency"
    RISK_RATING = "risk_rating"
    SALES_OWNER = "sales_owner"


@strawberry.enum(description="What aging counts days from.")
class AgingBasis(Enum):
    DUE_DATE = "due_date"
    INVOICE_DATE = "invoice_date"


@strawberry.type(description="One aging bucket: days past due in [fromDays, toDays]; null = open-ended.")
class AgingBucket:
    label: str
    from_days: int | None
    to_days: int | None
    amount: Money
    count: int


@strawberry.type
class Aging:
    buckets: list[AgingBucket]


@strawberry.type
class OpenDisputes:
    count: int
    amount: Money


@strawberry.type(description="Totals in one original currency (no conversion).")
class CurrencyTotals:
    currency_code: str
    total_open: Money
    overdue: Money
    unapplied: Money
    net_balance: Money
    aging: Aging


def _aging(totals: Totals) -> Aging:
    return Aging(
        buckets=[
            AgingBucket(
                label=b.bucket.label,
                from_days=b.bucket.from_days,
                to_days=b.bucket.to_days,
                amount=Money.of(b.amount, totals.currency),
                count=b.count,
            )
            for b in totals.aging
        ]
    )


def _currency_totals(t: Totals) -> CurrencyTotals:
    return CurrencyTotals(
        currency_code=t.currency,
        total_open=Money.of(t.total_open, t.currency),
        overdue=Money.of(t.overdue, t.currency),
        unapplied=Money.of(t.unapplied, t.currency),
        net_balance=Money.of(t.net_balance, t.currency),
        aging=_aging(t),
    )


@strawberry.type(description="Receivables figures as of a date, money in the tenant's base currency.")
class ArSummary:
    as_of: date
    period_days: int
    total_open: Money
    overdue: Money
    unapplied: Money
    net_balance: Money
    aging: Aging
    credit_sales: Money = strawberry.field(
        description="Credit sales of the period (asOf - periodDays, asOf]."
    )
    ar_period_start: Money = strawberry.field(description="Net balance at asOf - periodDays (for CEI).")
    dso: float | None = strawberry.field(
        description="AR / credit sales x days; 2 decimals; null without sales."
    )
    countback_dso: float | None
    best_possible_dso: float | None
    average_days_delinquent: float | None
    cei: float | None = strawberry.field(description="Collection effectiveness index, %, 3 decimals.")
    customers_with_balance: int
    customers_over_limit: int
    open_disputes: OpenDisputes
    by_currency: list[CurrencyTotals]


@strawberry.type(description="The figures of one group of a breakdown; key is the group's value.")
class ArBreakdownRow(ArSummary):
    key: str


def _summary_fields(f: ArFigures) -> dict:
    base = f.base.currency
    return {
        "as_of": f.as_of,
        "period_days": f.period_days,
        "total_open": Money.of(f.base.total_open, base),
        "overdue": Money.of(f.base.overdue, base),
        "unapplied": Money.of(f.base.unapplied, base),
        "net_balance": Money.of(f.base.net_balance, base),
        "aging": _aging(f.base),
        "credit_sales": Money.of(f.credit_sales, base),
        "ar_period_start": Money.of(f.ar_period_start, base),
        "dso": rounded(f.dso, 2),
        "countback_dso": rounded(f.countback_dso, 2),
        "best_possible_dso": rounded(f.best_possible_dso, 2),
        "average_days_delinquent": rounded(f.average_days_delinquent, 2),
        "cei": rounded(f.cei, 3),
        "customers_with_balance": f.customers_with_balance,
        "customers_over_limit": f.customers_over_limit,
        "open_disputes": OpenDisputes(
            count=f.open_disputes_count, amount=Money.of(f.open_disputes_amount, base)
        ),
        "by_currency": [_currency_totals(t) for t in f.by_currency],
    }


@strawberry.type
class ReceivablesQuery:
    @strawberry.field(
        extensions=requires("ar.read"),
        description="Receivables of the portfolio (or the filter) as of a date (default: today).",
    )
    async def ar_summary(
        self,
        info: Info,
        as_of: date | None = None,
        period_days: int = 90,
        filter: CustomerFilter | None = None,
        aging_basis: AgingBasis = AgingBasis.DUE_DATE,
    ) -> ArSummary:
        ctx = info.context
        figures = await service.ar_summary(
            ctx.scope,
            ctx.tenant_config,
            as_of=as_of or ctx.today(),
            period_days=period_days,
            flt=domain_filter(filter),
            by_issue_date=aging_basis == AgingBasis.INVOICE_DATE,
        )
        return ArSummary(**_summary_fields(figures))

    @strawberry.field(
        extensions=requires("ar.read"),
        description="The same figures per group; rows sum to arSummary with the same filter.",
    )
    async def ar_breakdown(
        self,
        info: Info,
        by: ArDimension,
        as_of: date | None = None,
        period_days: int = 90,
        filter: CustomerFilter | None = None,
    ) -> list[ArBreakdownRow]:
        ctx = info.context
        rows = await service.ar_breakdown(
            ctx.scope,
            ctx.tenant_config,
            by=GroupBy(by.value),
            as_of=as_of or ctx.today(),
            period_days=period_days,
            flt=domain_filter(filter),
        )
        return [ArBreakdownRow(key=r.key or "", **_summary_fields(r)) for r in rows]


@strawberry.type(description="Receivables at one month end (the last point is asOf), the month as period.")
class ArTrendPoint:
    date: date
    ar: Money = strawberry.field(description="Net balance at the point.")
    overdue: Money
    sales: Money = strawberry.field(description="Credit sales of the month.")
    collections: Money = strawberry.field(description="Payments received in the month.")
    dso: float | None = strawberry.field(description="AR / the month's credit sales x its days.")
    cei: float | None


@strawberry.type
class TrendQuery:
    @strawberry.field(extensions=requires("ar.read"), description="One point per month end, oldest first.")
    async def ar_trend(
        self, info: Info, months: int = 12, as_of: date | None = None, filter: CustomerFilter | None = None
    ) -> list[ArTrendPoint]:
        ctx = info.context
        points = await trend.ar_trend(
            ctx.scope, ctx.tenant_config, as_of=as_of or ctx.today(), months=months, flt=domain_filter(filter)
        )
        base = ctx.tenant_config.base_currency
        return [
            ArTrendPoint(
                date=p.figures.as_of,
                ar=Money.of(p.figures.base.net_balance, base),
                overdue=Money.of(p.figures.base.overdue, base),
                sales=Money.of(p.figures.credit_sales, base),
                collections=Money.of(p.collections, base),
                dso=rounded(p.figures.dso, 2),
                cei=rounded(p.figures.cei, 3),
            )
            for p in points
        ]
