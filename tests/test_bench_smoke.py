"""The benchmark scripts still run against the current schema (tiny data, one run, no timings asserted).

bench/dashboard.py COPYs rows straight into the tables, so a new NOT NULL column broke it silently once
(``payment.allocation_plan``); this runs it on both engines, and bench/ingest.py, end to end at a toy
size. Each dashboard run also checks that its hand-written SQL gives the API's figures.

The slowest (15-60 s each: the jobs, forecast, mixed-load, overhead, load, exports, dunning and trend
benches, the demo-sized SQLite dashboard) are marked ``slow`` and run by ``make bench-check``, not by
``make test``: together they were over 200 s of a 15-minute suite on two cores. The dashboard and ingest
benches stay in the suite: they write rows straight into the tables, which a schema change can break.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import postgres_base_url, require_or_skip

ROOT = Path(__file__).resolve().parent.parent


def _postgres_url() -> str:
    url = postgres_base_url()
    if not url:
        require_or_skip(
            "the benchmarks need PostgreSQL: none answers on 127.0.0.1:5432, TEST_DATABASE_URL unset"
        )
    return url


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )


def test_the_dashboard_bench_loads_rebuilds_the_sums_and_prints_every_query():
    done = _run(
        "-m", "bench.dashboard", "--database-url", _postgres_url(), "--customers", "40", "--invoices", "400",
        "--runs", "1",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("arSummary", "arBreakdown(REGION)", "customers(first: 50) nested, by name", "customer(id)"):
        assert f"| {name} |" in done.stdout
    assert "maintained settlement sums checked by a whole-tenant refresh in" in done.stdout


@pytest.mark.slow
def test_the_dashboard_bench_seeds_the_demo_on_sqlite_and_prints_every_query_beside_its_sql(tmp_path):
    done = _run(
        "-m", "bench.dashboard", "--engine", "sqlite", "--customers", "30", "--runs", "1",
        "--cache-dir", str(tmp_path),
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("arSummary", "arBreakdown(REGION)", "arBreakdown(CURRENCY)", "collectionWorklist(first: 50)",
                 "customers(first: 50) nested + priority, by net balance", "customer(id)"):  # fmt: skip
        assert f"| {name} |" in done.stdout
    assert "seeded through ingest in" in done.stdout
    assert list(tmp_path.glob("demo-30c-24m-seed42-*.sqlite3")), "the seeded file is kept for the next run"


def test_the_ingest_bench_imports_and_compares_with_copy():
    env = {**os.environ, "BENCH_DATABASE_URL": _postgres_url()}
    done = _run(
        "bench/ingest.py", "--customers", "20", "--invoices", "200", "--customers-per-batch", "10",
        "--workers", "1", env=env,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    assert "COPY" in done.stdout


@pytest.mark.slow
def test_the_mixed_load_bench_prints_every_kind_alone_and_mixed(tmp_path):
    done = _run(
        "-m", "bench.mixed", "--engine", "sqlite", "--customers", "30", "--clients", "4",
        "--aggregate-clients", "2", "--seconds", "1", "--alone-seconds", "1", "--cache-dir", str(tmp_path),
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("viewer", "customer(id)", "arSummary", "arBreakdown(REGION)"):
        assert f"| {name} |" in done.stdout
    assert "Load average" in done.stdout


@pytest.mark.slow
def test_the_overhead_bench_prints_the_ratio_to_a_bare_strawberry_app():
    done = _run("-m", "bench.overhead", "--connections", "2", "--rounds", "1", "--seconds", "1")

    assert done.returncode == 0, done.stderr[-3000:]
    assert "| mean |" in done.stdout and "Load average" in done.stdout


@pytest.mark.slow
def test_the_jobs_bench_runs_no_op_jobs_through_a_worker_and_the_bare_engine():
    done = _run("-m", "bench.jobs", "--jobs", "40", "--workers", "1", "--url", _postgres_url())

    assert done.returncode == 0, done.stderr[-3000:]
    assert "pgqueuer bare, 1 queue manager:" in done.stdout
    assert "1 worker(s):" in done.stdout and "pickup p50" in done.stdout
    assert "load average at start:" in done.stdout


@pytest.mark.slow
def test_the_exports_bench_exports_csv_and_xlsx_and_reports_peak_memory():
    done = _run(
        "-m", "bench.exports", "--database-url", _postgres_url(), "--customers", "20", "--invoices", "300"
    )

    assert done.returncode == 0, done.stderr[-3000:]
    for fmt in ("csv", "xlsx"):
        assert f"| /exports/invoices.{fmt} | 300 | 200 |" in done.stdout


@pytest.mark.slow
def test_the_dunning_bench_loads_a_portfolio_and_times_a_run_with_its_emails_rendered():
    done = _run(
        "-m", "bench.dunning", "--database-url", _postgres_url(), "--customers", "40", "--invoices", "400"
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "| decide (dry run) |" in done.stdout and "| render emails |" in done.stdout
    assert "ms per customer |" in done.stdout


@pytest.mark.slow
def test_the_forecast_bench_trains_and_forecasts_beside_the_baseline():
    done = _run(
        "-m", "bench.forecast", "--database-url", _postgres_url(), "--customers", "40", "--invoices", "4000",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    for step in ("baseline: 13-week cash forecast", "model: train and store", "model: 13-week cash forecast"):
        assert f"| {step} |" in done.stdout
    assert "(basis model, baseline baseline)" in done.stdout


def test_the_synthetic_backtest_prints_the_model_beside_both_baselines():
    done = _run("-m", "bench.forecast_backtest", "--customers", "30", "--months", "20")

    assert done.returncode == 0, done.stderr[-3000:]
    for predictor in ("**model**", "paid on due date", "due + average days late"):
        assert f"| {predictor} |" in done.stdout
    assert "holdout customers" in done.stdout


@pytest.mark.slow
def test_the_load_bench_runs_two_processes_kills_one_and_loses_no_payment():
    done = _run(
        "-m", "bench.load", "--database-url", _postgres_url(), "--servers", "2", "--workers", "1",
        "--clients", "8", "--seconds", "4", "--kill-every", "1.5", "--customers", "20", "--months", "2",
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for name in ("1 process", "2 processes", "2 processes, SIGKILL"):
        assert f"| {name} | op |" in done.stdout
    assert done.stdout.count("**0 lost, 0 doubled**") == 3
    assert "SIGKILLs of server 0" in done.stdout


def test_the_realtime_bench_fans_out_through_the_schema_beside_its_baseline():
    done = _run(
        "-m", "bench.realtime", "--subscribers", "20", "--events", "40", "--paced-events", "10", "--rate", "200",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    assert "| baseline: a bounded asyncio.Queue per subscriber |" in done.stdout
    assert "| subscriptions: hub + scope filter + Strawberry |" in done.stdout


@pytest.mark.slow
def test_the_trend_bench_gives_the_same_amounts_in_one_pass_as_a_date_at_a_time(tmp_path):
    done = _run("-m", "bench.trend", "--customers", "30", "--runs", "1")

    assert done.returncode == 0, done.stderr[-3000:]
    assert "| one pass (month_end_aggregates) |" in done.stdout
    assert "same amounts per date, bucket and currency: yes" in done.stdout
