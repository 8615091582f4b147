"""``arTrend``: one point per month end, so a chart shows how receivables moved.

Each point is the summary as of that month end (the last point is the as-of date itself) with the month
as its period: sales and collections are the month's, DSO is AR / the month's credit sales x its days, and
CEI is the month's. Every point is computed from the SQL aggregates as of its own date, so a payment
dated later never changes an earlier point.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.permissions import require
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.lanes import heavy_reads
from app.db.replica import replica_ok
from app.errors import ValidationFailed
from app.fx.service import all_rates
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
    points = month_ends(as_of, months)
    figures = await service.month_end_figures(scope, config, points, flt)
    # The months' collections in one statement: point k's month is (k-1's date, k's date].
    received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    start = points[0] - timedelta(days=points[0].day)
    for row in await repository.monthly_collections(scope, flt, start, points[-1]):
        received[row["month"]][row["currency"]] += row["amount"]
    out = []
    for point, point_figures in zip(points, figures, strict=True):
        month = received[point.strftime("%Y-%m")]
        fx = await all_rates(scope, config.base_currency, point)
        out.append(TrendPoint(point_figures, sum(fx.convert(a, c) for c, a in month.items())))
    return out
