"""Retraining the pay-date model: the weekly ``forecast.train`` schedule in the tenant files, its job
(once per period, whichever worker runs it) and ``ledgerport forecast train``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

from app import clock
from app.forecast import repository
from app.ingest import seeder
from app.jobs import repository as jobs_repository
from app.jobs import schedules
from tests.background import run_jobs
from tests.test_cli import cli_env, ledgerport  # noqa: F401  (cli_env is a fixture)

MONDAY_3AM_CHICAGO = datetime(2026, 6, 29, 8, 0, tzinfo=UTC)  # 03:00 CDT, Monday 29 June 2026


def test_both_tenant_files_schedule_the_weekly_retraining(registry):
    for slug in ("northwind", "cloudly"):
        named = {s.name: s for s in schedules.schedules_of(registry.require(slug).config)}
        assert (named["pay-date-model"].kind, named["pay-date-model"].cron) == ("forecast.train", "0 3 * * 1")


async def test_the_scheduled_job_trains_each_tenant_once_per_period(registry, scope_a, scope_b):
    await seeder.seed_tenant(scope_a, customers=10, months=20, seed=42, today=date(2026, 6, 29))

    with clock.frozen(MONDAY_3AM_CHICAGO + timedelta(minutes=5)):
        await schedules.tick(registry)
        await schedules.tick(registry)  # a second worker's tick in the same period
        await run_jobs(registry)
    with clock.frozen(MONDAY_3AM_CHICAGO + timedelta(days=2)):
        await schedules.tick(registry)  # still that week's period: no second run
        await run_jobs(registry)

    stored = await repository.latest_model(scope_a)
    assert stored is not None and stored.as_of == date(2026, 6, 29) and stored.rows >= 50
    # The schedule stores the backtest beside the model: both evaluations, the model scored.
    backtest = stored.metrics["backtest"]
    assert [e["kind"] for e in backtest] == ["holdout_dates", "holdout_customers"]
    assert backtest[0]["trained"] and backtest[0]["scores"][0]["predictor"] == "model"
    # Cloudly has no history: its job succeeds without storing a model.
    assert await repository.latest_model(scope_b) is None
    # 03:00 on Monday in each tenant's time zone: Chicago (UTC-5) and Berlin (UTC+2) in summer.
    for scope, start in ((scope_a, "2026-06-29T08:00"), (scope_b, "2026-06-29T01:00")):
        jobs = await jobs_repository.of_kind(scope, "forecast.train")
        assert [(j.state.value, j.attempts) for j in jobs] == [("succeeded", 1)]
        assert jobs[0].key.startswith(f"pay-date-model@{start}")


def test_the_command_line_trains_a_seeded_tenant_and_refuses_one_without_history(cli_env):  # noqa: F811
    cli_env = cli_env | {"LEDGERPORT_NOW": "2026-12-01T12:00:00Z"}
    assert ledgerport(cli_env, "migrate").returncode == 0
    seeded = ledgerport(cli_env, "seed", "--tenant", "northwind", "--customers", "8", "--months", "18")
    assert seeded.returncode == 0, seeded.stderr

    trained = ledgerport(cli_env, "forecast", "train", "--tenant", "northwind")
    empty = ledgerport(cli_env, "forecast", "train", "--tenant", "cloudly")
    unknown = ledgerport(cli_env, "forecast", "train", "--tenant", "nowhere")

    assert trained.returncode == 0, trained.stderr
    assert "northwind: pay-date model trained as of 2026-12-01 on" in trained.stdout
    assert "backtest holdout_dates (" in trained.stdout and "MAE model " in trained.stdout
    db = sqlite3.connect(cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://"))
    rows = db.execute(
        "SELECT t.slug, m.as_of, m.rows FROM pay_date_model m JOIN tenant t ON t.id = m.tenant_id"
    ).fetchall()
    assert [(slug, as_of) for slug, as_of, _ in rows] == [("northwind", "2026-12-01")] and rows[0][2] >= 50
    assert empty.returncode == 1 and "too little history" in empty.stderr
    assert unknown.returncode == 2
