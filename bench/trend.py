"""arTrend's twelve month ends on the demo's SQLite data: one pass against a date at a time.

Run: ``.venv/bin/python -m bench.trend [--runs 5] [--filter-region EMEA] [--engine postgres]``. It takes
the demo's database (``bench/demo_data.py``: northwind 8,000 customers and cloudly 300, 24 months, seed
42; on SQLite seeded once and cached, on PostgreSQL seeded into a scratch database, vacuumed and
analysed, and dropped after) and times, in the same run and on the same data:

- **one pass**: ``month_end_aggregates`` (what ``arTrend`` uses), the aging and unapplied cash of the
  twelve month ends and the month end before them;
- **baseline**: the same figures one date at a time (``as_of_aggregates`` per date, what the trend did
  before), the first period start by ``open_totals`` like a summary.

Both give the same amounts per bucket and currency for every date (checked here, as
tests/test_ar_trend.py checks the trend against arSummary). It also times the whole service call
(``month_end_figures``: plus credit sales and conversion). Results: docs/performance.md, "Console".
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from app.customers.filters import NO_FILTER, CustomerFilter
from app.db import lifecycle, scratch
from app.demo.data import DEMO_DATA, DEMO_SEED
from app.receivables import repository
from app.receivables.buckets import buckets_from_edges
from app.receivables.repository.open_items import GroupBy
from app.receivables.service import month_end_figures
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench import demo_data

ROOT = Path(__file__).resolve().parent.parent


def month_ends(today: date, months: int) -> list[date]:
    """The last ``months`` - 1 month ends before ``today``'s month, then ``today`` (as arTrend)."""
    out = []
    for back in range(months - 1, 0, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        out.append(date(year, month + 1, calendar.monthrange(year, month + 1)[1]))
    return [*out, today]


async def baseline(scope, flt, dates, buckets) -> list[tuple[dict, dict]]:
    """(aging amounts, unapplied) per date, one date at a time."""
    out = []
    first = await repository.open_totals(scope, flt, dates[0], buckets, GroupBy.NONE)
    out.append(
        (
            _by_currency(first["open"]),
            {r["currency"]: r["amount"] for r in first["unapplied"]},
        )
    )
    for point in dates[1:]:
        found = await repository.as_of_aggregates(scope, flt, point, buckets, {}, with_customers=False)
        aging = {(r["bucket"], r["currency"]): r["amount"] for r in found["aging"] if r["amount"]}
        out.append((aging, {r["currency"]: r["amount"] for r in found["unapplied"]}))
    return out


def _by_currency(rows) -> dict:
    return {("*", r["currency"]): r["amount"] for r in rows}


async def one_pass(scope, flt, dates, buckets) -> list[tuple[dict, dict]]:
    found = await repository.month_end_aggregates(scope, flt, dates, buckets)
    out = []
    for k, point in enumerate(found):
        aging = {key: amount for key, (amount, _) in point.aging.items()}
        if k == 0:  # the period start: compared by currency, as open_totals gives it
            totals: dict = {}
            for (_, currency), amount in aging.items():
                totals[("*", currency)] = totals.get(("*", currency), 0) + amount
            aging = {key: amount for key, amount in totals.items() if amount}
        out.append((aging, point.unapplied))
    return out


async def timed(runs: int, work) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def line(name: str, times: list[float]) -> str:
    return f"| {name} | {statistics.median(times):,.0f} | {min(times):,.0f} | {max(times):,.0f} |"


async def measure(url: str, registry: TenantRegistry, args, today: date):
    """The three timings on the database at ``url``: (one pass ms, its figures, baseline ms, its figures,
    service ms)."""
    config = registry.require("northwind").config
    await lifecycle.open_database(url)
    try:
        await sync_tenants(registry)
        scope = await system_scope("northwind")
        flt = CustomerFilter(region=args.filter_region) if args.filter_region else NO_FILTER
        points = month_ends(today, args.months)
        dates = [points[0] - timedelta(days=points[0].day), *points]
        buckets = buckets_from_edges(config.aging.buckets)
        await one_pass(scope, flt, dates, buckets)  # warm the page cache
        new_ms, new = await timed(args.runs, lambda: one_pass(scope, flt, dates, buckets))
        old_ms, old = await timed(args.runs, lambda: baseline(scope, flt, dates, buckets))
        service_ms, _ = await timed(args.runs, lambda: month_end_figures(scope, config, points, flt))
    finally:
        await lifecycle.close_database()
    return new_ms, new, old_ms, old, service_ms


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=DEMO_DATA["northwind"][0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--filter-region", default=None)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")
    config = registry.require("northwind").config
    today = config.today()
    with tempfile.TemporaryDirectory(prefix="ledgerport-trend-") as work:
        if args.engine == "sqlite":
            url, seeded_s = await demo_data.working_copy(
                registry, Path(work), customers=args.customers, months=DEMO_DATA["northwind"][1], seed=DEMO_SEED,
                today=today,
            )  # fmt: skip
            new_ms, new, old_ms, old, service_ms = await measure(url, registry, args, today)
        else:
            url, admin = await scratch.create_database(args.database_url, "ledgerport_trend")
            try:
                t0 = time.perf_counter()
                await demo_data.seed_demo(
                    url, registry, args.customers, DEMO_DATA["northwind"][1], DEMO_SEED, today
                )
                seeded_s = time.perf_counter() - t0
                await demo_data.vacuum(url)
                new_ms, new, old_ms, old, service_ms = await measure(url, registry, args, today)
            finally:
                await scratch.drop_database(admin, url)
    flt = CustomerFilter(region=args.filter_region) if args.filter_region else NO_FILTER
    assert new == old, "the one pass and the baseline disagree"
    load = os.getloadavg()[0]
    print(f"{args.engine}, demo data ({args.customers} customers), {args.months + 1} dates to {today}, filter {flt}, "
          f"{args.runs} runs, load average {load:.1f}, seeded in {seeded_s or 0:.0f} s (0: cached)")  # fmt: skip
    print("| work | p50 ms | min ms | max ms |\n|---|---|---|---|")
    print(line("one pass (month_end_aggregates)", new_ms))
    print(line("baseline: one date at a time", old_ms))
    print(line("month_end_figures (the arTrend service)", service_ms))
    print("same amounts per date, bucket and currency: yes")


if __name__ == "__main__":
    asyncio.run(main())
