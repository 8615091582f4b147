"""Receivables figures as of a date: summary and breakdown, per metrics.md.

Every figure is computed from the SQL aggregates of ``repository`` per group and currency, then converted
to the base currency once per per-currency total (and once per table cell) at the latest rate on or before
the as-of date. Period figures (credit sales, AR at the period start for CEI) use the rate at the period's
end, as metrics.md says. Nothing here is cached, so a newer payment is always reflected.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from app.auth.permissions import require
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.lanes import heavy_reads
from app.db.replica import replica_ok
from app.errors import ValidationFailed
from app.fx.service import Converter, all_rates, converter
from app.receivables import ratios, repository
from app.receivables.buckets import Bucket, buckets_from_edges
from app.receivables.repository import GroupBy
from app.scope import Scope
from app.tenancy.config import TenantConfig

MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class BucketFigure:
    bucket: Bucket
    amount: int
    count: int


@dataclass
class Totals:
    """Open, overdue, unapplied and net balance in one currency, with the aging buckets."""

    currency: str
    total_open: int
    overdue: int
    current: int
    unapplied: int
    net_balance: int
    aging: list[BucketFigure]


@dataclass
class ArFigures:
    """The figures of a portfolio slice (the whole filter, or one breakdown group) as of a date."""

    key: str | None
    as_of: date
    period_days: int
    base: Totals
    by_currency: list[Totals]
    credit_sales: int
    ar_period_start: int
    dso: Decimal | None
    countback_dso: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None
    customers_with_balance: int = 0
    customers_over_limit: int = 0
    open_disputes_count: int = 0
    open_disputes_amount: int = 0
    rates: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class _Raw:
    """Per-currency aggregates of one group, before conversion."""

    buckets: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    unapplied: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sales: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    start_open: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    start_unapplied: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    monthly: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    disputes: dict[str, tuple[int, int]] = field(default_factory=dict)
    customers: tuple[int, int] = (0, 0)

    def currencies(self) -> set[str]:
        found = {c for _, c in self.buckets} | set(self.unapplied) | set(self.sales)
        found |= set(self.start_open) | set(self.start_unapplied) | set(self.disputes)
        for per_currency in self.monthly.values():
            found |= set(per_currency)
        return found


def _totals(raw: _Raw, buckets: list[Bucket], currency: str, convert) -> Totals:
    """Totals of one currency (``convert`` = identity) or of the base (``convert`` per currency total)."""
    currencies = sorted({c for _, c in raw.buckets} | set(raw.unapplied))
    if currency != "*":
        currencies = [currency]
    aging = []
    for bucket in buckets:
        amount = sum(convert(raw.buckets.get((bucket.index, c), (0, 0))[0], c) for c in currencies)
        count = sum(raw.buckets.get((bucket.index, c), (0, 0))[1] for c in currencies)
        aging.append(BucketFigure(bucket, amount, count))
    open_of = {c: sum(raw.buckets.get((b.index, c), (0, 0))[0] for b in buckets) for c in currencies}
    current_of = {c: raw.buckets.get((0, c), (0, 0))[0] for c in currencies}
    total_open = sum(convert(open_of[c], c) for c in currencies)
    current = sum(convert(current_of[c], c) for c in currencies)
    overdue = sum(convert(open_of[c] - current_of[c], c) for c in currencies)
    unapplied = sum(convert(raw.unapplied.get(c, 0), c) for c in currencies)
    return Totals(currency, total_open, overdue, current, unapplied, total_open - unapplied, aging)


def _base_and_by_currency(raw: _Raw, buckets: list[Bucket], fx: Converter) -> tuple[Totals, list[Totals]]:
    """Totals in the base currency (each per-currency total and cell converted once) and per currency."""
    base = _totals(raw, buckets, "*", fx.convert)
    base.currency = fx.base
    by_currency = [
        _totals(raw, buckets, c, lambda minor, _c: minor)
        for c in sorted({c for _, c in raw.buckets} | set(raw.unapplied))
    ]
    return base, by_currency


def _figures(
    key: str | None, raw: _Raw, buckets: list[Bucket], fx: Converter, as_of: date, period_days: int
) -> ArFigures:
    base, by_currency = _base_and_by_currency(raw, buckets, fx)
    sales = sum(fx.convert(v, c) for c, v in raw.sales.items())
    ar_start = sum(fx.convert(v, c) for c, v in raw.start_open.items()) - sum(
        fx.convert(v, c) for c, v in raw.start_unapplied.items()
    )
    monthly = {m: sum(fx.convert(v, c) for c, v in per.items()) for m, per in raw.monthly.items()}
    dso = ratios.dso(base.net_balance, sales, period_days)
    bpdso = ratios.best_possible_dso(base.current, sales, period_days)
    disputes_amount = sum(fx.convert(amount, c) for c, (_, amount) in raw.disputes.items())
    return ArFigures(
        key=key,
        as_of=as_of,
        period_days=period_days,
        base=base,
        by_currency=by_currency,
        credit_sales=sales,
        ar_period_start=ar_start,
        dso=dso,
        countback_dso=ratios.countback_dso(base.net_balance, as_of, lambda m: monthly.get(m, 0)),
        best_possible_dso=bpdso,
        average_days_delinquent=ratios.average_days_delinquent(dso, bpdso),
        cei=ratios.cei(ar_start, sales, base.net_balance, base.current),
        customers_with_balance=raw.customers[0],
        customers_over_limit=raw.customers[1],
        open_disputes_count=sum(n for n, _ in raw.disputes.values()),
        open_disputes_amount=disputes_amount,
        rates=dict(fx.rates),
    )


async def _collect(
    scope: Scope,
    config: TenantConfig,
    as_of: date,
    period_days: int,
    flt: CustomerFilter,
    group: GroupBy,
    by_issue_date: bool,
) -> tuple[dict[str, _Raw], list[Bucket], Converter]:
    if not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise ValidationFailed(
            f"periodDays must be between 1 and {MAX_PERIOD_DAYS}", field="periodDays", code="out_of_range"
        )
    buckets = buckets_from_edges(config.aging.buckets)
    start = as_of - timedelta(days=period_days)
    # Every currency with a rate, so customer counts can convert inside the one as-of statement; a
    # currency met below without a rate still fails in ``converter`` with a message naming it.
    known = await all_rates(scope, config.base_currency, as_of)
    factors = {c: known.factor(c) for c in known.rates}
    raws: dict[str, _Raw] = defaultdict(_Raw)
    first_day = ratios.first_countback_day(as_of)
    # Independent statements: on PostgreSQL each takes its own pooled connection, so they overlap
    # (inside a transaction they run in turn on its connection; on SQLite on the heavy read lane).
    now, before, sales, monthly, disputes = await asyncio.gather(
        repository.as_of_aggregates(scope, flt, as_of, buckets, factors, group, by_issue_date),
        repository.open_totals(scope, flt, start, buckets, group),
        repository.credit_sales(scope, flt, start, as_of, group),
        repository.monthly_credit_sales(scope, flt, first_day - timedelta(days=1), as_of, group),
        repository.open_disputes(scope, flt, as_of, group),
    )
    for row in now["aging"]:
        raws[row["grp"]].buckets[(row["bucket"], row["currency"])] = (row["amount"], row["count"])
    for row in now["unapplied"]:
        raws[row["grp"]].unapplied[row["currency"]] += row["amount"]
    for row in before["open"]:
        raws[row["grp"]].start_open[row["currency"]] += row["amount"]
    for row in before["unapplied"]:
        raws[row["grp"]].start_unapplied[row["currency"]] += row["amount"]
    for row in sales:
        raws[row["grp"]].sales[row["currency"]] += row["amount"]
    for row in monthly:
        raws[row["grp"]].monthly[row["month"]][row["currency"]] += row["amount"]
    for row in disputes:
        raws[row["grp"]].disputes[row["currency"]] = (row["count"], row["amount"])
    currencies = set().union(*(r.currencies() for r in raws.values())) if raws else set()
    fx = await converter_for(scope, config, currencies, as_of, known)
    for row in now["customers"]:
        if row["grp"] in raws or group != GroupBy.CURRENCY:
            raws[row["grp"]].customers = (row["with_balance"], row["over_limit"])
    return raws, buckets, fx


@replica_ok
@heavy_reads
async def ar_summary(
    scope: Scope,
    config: TenantConfig,
    *,
    as_of: date,
    period_days: int = 90,
    flt: CustomerFilter = NO_FILTER,
    by_issue_date: bool = False,
) -> ArFigures:
    """The portfolio's (or the filter's) receivables figures as of ``as_of`` (metrics.md)."""
    require(scope, "ar.read")
    raws, buckets, fx = await _collect(scope, config, as_of, period_days, flt, GroupBy.NONE, by_issue_date)
    return _figures(None, raws.get("", _Raw()), buckets, fx, as_of, period_days)


async def month_end_figures(
    scope: Scope, config: TenantConfig, points: list[date], flt: CustomerFilter = NO_FILTER
) -> list[ArFigures]:
    """The figures a trend shows (net balance, overdue, credit sales, DSO, CEI) as of each of ``points``
    (consecutive month ends, oldest first; the last may be any day), each with its month so far as the
    period. Point k's period starts exactly at point k-1 (the first's at the month end before it), so
    the aging and unapplied cash of all of them come from one pass (``month_end_aggregates``), and no
    countback sales, disputes or customer counts (left at None and zero: a trend does not show them).
    12 points on the demo's data: docs/performance.md "Console"."""
    require(scope, "ar.read")
    buckets = buckets_from_edges(config.aging.buckets)
    first_start = points[0] - timedelta(days=points[0].day)
    found = await repository.month_end_aggregates(scope, flt, [first_start, *points], buckets)
    # Each point's period is its month so far: one statement sums every month's sales.
    monthly: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in await repository.monthly_credit_sales(scope, flt, first_start, points[-1], GroupBy.NONE):
        monthly[row["month"]][row["currency"]] += row["amount"]
    out = []
    for k, point in enumerate(points):
        period = point.day
        known = await all_rates(scope, config.base_currency, point)
        raw = _Raw(buckets=found[k + 1].aging, unapplied=defaultdict(int, found[k + 1].unapplied))
        for currency, amount in monthly[point.strftime("%Y-%m")].items():
            raw.sales[currency] += amount
        for (_, currency), (amount, _) in found[k].aging.items():
            raw.start_open[currency] += amount
        for currency, amount in found[k].unapplied.items():
            raw.start_unapplied[currency] += amount
        fx = await converter_for(scope, config, raw.currencies(), point, known)
        figures = _figures(None, raw, buckets, fx, point, period)
        out.append(replace(figures, countback_dso=None))
    return out


@replica_ok
@heavy_reads
async def ar_breakdown(
    scope: Scope,
    config: TenantConfig,
    *,
    by: GroupBy,
    as_of: date,
    period_days: int = 90,
    flt: CustomerFilter = NO_FILTER,
) -> list[ArFigures]:
    """One row of figures per group (region, segment, ...), ordered by net balance, largest first.

    Customer counts of a CURRENCY breakdown are not split by currency (a customer can owe in several),
    so those rows report 0 and the summary holds the count.
    """
    require(scope, "ar.read")
    if by == GroupBy.NONE:
        raise ValidationFailed("choose a dimension to break down by", field="by", code="invalid")
    raws, buckets, fx = await _collect(scope, config, as_of, period_days, flt, by, False)
    rows = [_figures(key, raw, buckets, fx, as_of, period_days) for key, raw in raws.items()]
    return sorted(rows, key=lambda f: (-f.base.net_balance, f.key or ""))


@dataclass
class Balances:
    """One customer's balances and aging as of a date: base currency and per original currency."""

    base: Totals
    by_currency: list[Totals]


async def balances_by_customer(
    scope: Scope, config: TenantConfig, customer_ids: list[int], as_of: date
) -> tuple[dict[int, Balances], Converter]:
    """Balances of many customers in two aggregate queries (the DataLoader batch of customer lists);
    customers without open items or unapplied cash get zero balances. Also returns the converter used,
    so callers convert related amounts (cover, limits) at the same rates."""
    require(scope, "ar.read")
    buckets = buckets_from_edges(config.aging.buckets)
    flt = CustomerFilter(customer_ids=frozenset(customer_ids))
    raws: dict[str, _Raw] = defaultdict(_Raw)
    if customer_ids:
        aging = await repository.open_by_bucket(scope, flt, as_of, buckets, GroupBy.CUSTOMER)
        unapplied = await repository.unapplied(scope, flt, as_of, GroupBy.CUSTOMER)
        for row in aging:
            raws[row["grp"]].buckets[(row["bucket"], row["currency"])] = (row["amount"], row["count"])
        for row in unapplied:
            raws[row["grp"]].unapplied[row["currency"]] += row["amount"]
    currencies = set().union(*(r.currencies() for r in raws.values())) if raws else set()
    fx = await converter(scope, config.base_currency, currencies, as_of)
    out = {}
    for customer_id in customer_ids:
        base, by_currency = _base_and_by_currency(raws.get(str(customer_id), _Raw()), buckets, fx)
        out[customer_id] = Balances(base=base, by_currency=by_currency)
    return out, fx


async def converter_for(
    scope: Scope, config: TenantConfig, currencies: set[str], as_of: date, known: Converter
) -> Converter:
    """``known`` when it has every currency needed, else a converter fetched for them."""
    if currencies <= set(known.rates):
        return known
    return await converter(scope, config.base_currency, currencies | set(known.rates), as_of)
