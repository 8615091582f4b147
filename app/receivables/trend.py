"""``arTrend``: one point per month end, so a chart shows how receivables moved.

Each point is the summary as of that month end (the last point is the as-of date itself) with the month
as its period: sales and collections are the month's, DSO is AR / the month's credit sales x its days, and
CEI is the month's. Every point is computed from the SQL aggregates as of its own date, so a payment
dated later never changes an earlier point.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.permissions import require
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.lanes import heavy_reads
from app.db.replica import replica_ok
from app.errors import ValidationFailed
from app.fx.service import converter
from app.receivables import repository, service
from app.receivables.service import ArFigures
from app.scope import Scope
from app.tenancy.config import TenantConfig

MAX_MONTHS = 36


@dataclass(frozen=True)
class TrendPoint:
    figures: ArFigures
    collections: int  # base currency minor units received in the month


def month_ends(as_of: date, months: int) -> list[date]:
    """The last ``months`` month ends up to ``as_of``, oldest first; the newest is ``as_of`` itself."""
    points = [as_of]
    year, month = as_of.year, as_of.month
    for _ in range(months - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        points.append(date(year, month, calendar.monthrange(year, month)[1]))
    return points[::-1]


@replica_ok
@heavy_reads
async def ar_trend(
    scope: Scope, config: TenantConfig, *, as_of: date, months: int = 12, flt: CustomerFilter = NO_FILTER
) -> list[TrendPoint]:
    require(scope, "ar.read")
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            f"months must be between 1 and {MAX_MONTHS}", field="months", code="out_of_range"
        )
    out = []
    points = month_ends(as_of, months)
    for point, figures in zip(
        points, await service.month_end_figures(scope, config, points, flt), strict=True
    ):
        period = point.day  # the month so far: all its days at a month end, up to as-of for the last
        received = await repository.collections(scope, flt, point - timedelta(days=period), point)
        fx = await converter(scope, config.base_currency, {r["currency"] for r in received}, point)
        out.append(TrendPoint(figures, sum(fx.convert(r["amount"], r["currency"]) for r in received)))
    return out
