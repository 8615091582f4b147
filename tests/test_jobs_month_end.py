"""The month-end statement batch as a scheduled job: each tenant's schedule runs it once for the period,
and it writes a statement for every customer that had a balance on the last day of the month before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import clock
from app.jobs import repository, schedules
from tests import builders
from tests.background import run_jobs

# 12:00 UTC on 1 March 2027: after 06:00 on the 1st both in Chicago (northwind) and in Berlin (cloudly).
FIRST_OF_MARCH = datetime(2027, 3, 1, 12, tzinfo=UTC)


async def test_given_the_month_end_schedule_then_each_tenant_gets_one_run_with_a_statement_per_balance(
    scope_a, scope_b, registry, tmp_path, monkeypatch
):
    monkeypatch.setenv("LEDGERPORT_STATEMENTS_DIR", str(tmp_path))
    owing = await builders.customer(scope_a, "Owing Ltd")
    await builders.invoice(scope_a, owing, 50_000, "2027-02-10", "2027-03-10")
    later = await builders.customer(scope_a, "Later Ltd")  # invoiced in March: nothing owed on 28 Feb
    await builders.invoice(scope_a, later, 20_000, "2027-03-01", "2027-03-31")
    theirs = await builders.customer(scope_b, "Cloudly Kunde", currency="EUR")
    await builders.invoice(scope_b, theirs, 30_000, "2027-02-02", "2027-03-02", currency="EUR")

    with clock.frozen(FIRST_OF_MARCH):
        await schedules.tick(registry)
        await schedules.tick(registry)  # a second worker's tick in the same period
        await run_jobs(registry)
    with clock.frozen(FIRST_OF_MARCH + timedelta(days=10)):
        await schedules.tick(registry)  # still March's period: no second run
        await run_jobs(registry)

    for scope in (scope_a, scope_b):
        jobs = await repository.of_kind(scope, "statements.month_end")
        assert [(j.state.value, j.attempts) for j in jobs] == [("succeeded", 1)]
        assert jobs[0].key.startswith("month-end-statements@2027-03-01")
    northwind = sorted(p.name for p in (tmp_path / "northwind" / "2027-02").iterdir())
    cloudly = sorted(p.name for p in (tmp_path / "cloudly" / "2027-02").iterdir())
    assert len(northwind) == 1 and northwind[0].startswith(f"statement-{owing.account_number}-2027-02-28")
    assert len(cloudly) == 1 and cloudly[0].startswith(f"statement-{theirs.account_number}-2027-02-28")
    assert (tmp_path / "northwind" / "2027-02" / northwind[0]).read_bytes().startswith(b"%PDF")
