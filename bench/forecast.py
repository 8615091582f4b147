"""Pay-date model benchmark on PostgreSQL: training and a 13-week cash forecast over the dashboard
benchmark's portfolio, beside the previous rule (due + average days late) doing the same work.

Creates its own database (dropped at the end), migrates it and COPYs the portfolio of
``bench/dashboard.py`` (default 10,000 customers, 1,000,000 invoices over two years, as of 2026-06-30).
Then, in one process and in this order (peak memory is the process's high-water mark, so the lighter
work goes first):

- baseline "train": the two aggregate queries the previous rule fits (per customer, tenant-wide);
- baseline forecast: ``cashForecast``'s work (every open invoice, disputes, promises, FX) with the rule's
  point predictions;
- model train: facts as of the day in SQL, snapshot rows, features, four HistGradientBoosting fits,
  permutation importances, stored (``app.forecast.service.train``);
- model forecast: the same 13-week forecast from the stored model's quantiles.

Each line gives wall time, the process's peak resident memory after it, and the rows involved; printed
as Markdown for docs/performance.md.

    python -m bench.forecast --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--customers 10000] [--invoices 1000000] [--threads 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
from datetime import date

from app.customers.filters import NO_FILTER
from app.db import lifecycle, scratch
from app.forecast import collections, service
from app.invoices import prediction
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench.dashboard import AS_OF, ROOT, postgres_data


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def timed(label: str, work, results: list) -> object:
    t0 = time.perf_counter()
    out = await work()
    seconds = time.perf_counter() - t0
    results.append((label, seconds, peak_mb()))
    print(f"{label}: {seconds:.1f} s, peak {peak_mb():.0f} MB", flush=True)
    return out


async def run(args, url: str, registry: TenantRegistry) -> None:
    await lifecycle.open_database(url)
    results: list = []
    try:
        ids = await sync_tenants(registry)
        data_line = await postgres_data(args, registry, ids, url)
        print(data_line, flush=True)
        scope = await system_scope("northwind", principal="bench")
        as_of: date = AS_OF
        base = registry.require("northwind").config.base_currency
        start_rss = peak_mb()
        load_before = os.getloadavg()[0]
        await timed(
            "baseline: fit (due + average days late)",
            lambda: prediction.model_as_of(scope, as_of),
            results,
        )
        baseline = await timed(
            "baseline: 13-week cash forecast",
            lambda: collections.cash_forecast(scope, base, as_of, 13, NO_FILTER, as_of, baseline_only=True),
            results,
        )
        trained = await timed("model: train and store", lambda: service.train(scope, as_of), results)
        learned = await timed(
            "model: 13-week cash forecast",
            lambda: collections.cash_forecast(scope, base, as_of, 13, NO_FILTER, as_of),
            results,
        )
    finally:
        await lifecycle.close_database()
    print()
    print(
        f"{data_line}; as of {as_of}; LEDGERPORT_FORECAST_THREADS={os.environ.get('LEDGERPORT_FORECAST_THREADS', '1')}; "
        f"{trained.rows if trained else 0:,} training rows; {learned.invoices:,} open invoices forecast "
        f"(basis {learned.basis}, baseline {baseline.basis}); peak RSS {start_rss:.0f} MB after loading; load "
        f"average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    )
    print()
    print("| step | wall s | process peak RSS MB after it |")
    print("|---|---|---|")
    for label, seconds, mb in results:
        print(f"| {label} | {seconds:.1f} | {mb:.0f} |")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1, help="LEDGERPORT_FORECAST_THREADS for the fits")
    args = parser.parse_args()
    os.environ["LEDGERPORT_FORECAST_THREADS"] = str(args.threads)
    registry = TenantRegistry.load(ROOT / "tenants")
    url, admin = await scratch.create_database(args.database_url, "ledgerport_bench_forecast")
    try:
        await lifecycle.apply_migrations(url)
        await run(args, url, registry)
    finally:
        await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
