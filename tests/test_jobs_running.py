"""Running jobs in-process (what the SQLite server does; the same executor runs under pgqueuer): each in
its own tenant's scope, retried with backoff, kept as failed with its error, and run again by retryJob."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.jobs import repository, retry, service, status
from app.jobs.enqueue import enqueue
from app.jobs.executor import Executor
from app.jobs.inprocess import InProcessRunner
from app.jobs.tuning import Tuning
from app.models.enums import JobState
from tests.job_probes import events

QUICK = Tuning(lease_seconds=5, backoff_base_seconds=10, backoff_cap_seconds=60)


def runner(registry) -> InProcessRunner:
    return InProcessRunner(registry, Executor(registry, QUICK))


async def test_given_jobs_of_two_tenants_then_each_runs_in_its_own_tenants_scope(
    scope_a, scope_b, registry, tmp_path
):
    log = tmp_path / "log"
    async with in_transaction():
        a = await enqueue(scope_a, "test.record", "a", {"log": str(log)})
    async with in_transaction():
        b = await enqueue(scope_b, "test.record", "b", {"log": str(log)})

    await runner(registry).run_until_idle()

    ran = {line["job"]: (line["tenant"], line["tenant_id"]) for line in events(log, "start")}
    assert ran == {a: ("northwind", scope_a.tenant_id), b: ("cloudly", scope_b.tenant_id)}
    assert (await repository.get(scope_a, a)).state == JobState.SUCCEEDED
    assert await repository.get(scope_b, a) is None  # tenant B cannot even see tenant A's job


async def test_given_a_handler_that_always_fails_then_it_ends_failed_with_its_error_and_retry_runs_it_again(
    scope_a, registry
):
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.fail", "f", {"message": "ledger closed"})
    jobs = runner(registry)

    states = []
    for minute in range(4):  # backoff is at most 10 s * 2**n, well inside a minute each time
        with clock.frozen(start + timedelta(minutes=minute)):
            await jobs.run_until_idle()
        job = await repository.get(scope_a, job_id)
        states.append((job.state.value, job.attempts))

    assert states == [("retrying", 1), ("retrying", 2), ("failed", 3), ("failed", 3)]
    assert job.last_error == "RuntimeError: ledger closed"

    retried = await service.retry(scope_a, job_id)
    assert (retried.state, retried.attempts, retried.last_error) == (
        JobState.QUEUED,
        0,
        "RuntimeError: ledger closed",
    )
    await jobs.run_until_idle()
    assert (
        (await repository.get(scope_a, job_id)).state,
        (await repository.get(scope_a, job_id)).attempts,
    ) == (
        JobState.RETRYING,
        1,
    )


async def test_given_a_failure_then_the_next_try_waits_until_its_backoff_ends(scope_a, registry):
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.fail", "f")
    jobs = runner(registry)
    with clock.frozen(start):
        await jobs.run_until_idle()
    job = await repository.get(scope_a, job_id)
    wait = job.run_at - start

    assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)  # base 10 s, jitter 50-100 %
    with clock.frozen(start + wait - timedelta(seconds=1)):
        assert await jobs.run_until_idle() == 0
    with clock.frozen(start + wait):
        assert await jobs.run_until_idle() == 1


def test_backoff_doubles_up_to_the_cap_with_jitter_below_each_ceiling():
    rng = random.Random(7)
    tuning = Tuning(backoff_base_seconds=10, backoff_cap_seconds=60)
    waits = [retry.delay(n, tuning, rng).total_seconds() for n in range(1, 7)]

    for wait, ceiling in zip(waits, [10, 20, 40, 60, 60, 60], strict=True):
        assert ceiling / 2 <= wait <= ceiling
    assert len({round(w, 3) for w in waits[3:]}) == 3  # jitter: capped tries do not all wait the same


async def test_given_a_cancelled_job_then_it_does_not_run_and_cannot_be_cancelled_twice(
    scope_a, registry, tmp_path
):
    log = tmp_path / "log"
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.record", "c", {"log": str(log)})

    cancelled = await service.cancel(scope_a, job_id)
    await runner(registry).run_until_idle()

    assert cancelled.state == JobState.CANCELLED and events(log) == []
    try:
        await service.cancel(scope_a, job_id)
    except Exception as exc:
        assert getattr(exc, "code", "") == "conflict" and "already cancelled" in str(exc)
    else:
        raise AssertionError("a cancelled job was cancelled again")


async def test_given_queues_then_the_in_process_runner_runs_only_their_jobs(
    scope_a, scope_b, registry, tmp_path
):
    """``ledgerport worker --queues reports`` on SQLite leaves the default queue's jobs to someone else."""
    log = tmp_path / "log"
    async with in_transaction():
        a = await enqueue(scope_a, "test.record", "q-a", {"log": str(log)})  # queue "default"
    async with in_transaction():
        b = await enqueue(scope_b, "test.record", "q-b", {"log": str(log)})

    reports_only = InProcessRunner(registry, Executor(registry, QUICK), queues=["reports"])
    assert await reports_only.run_until_idle() == 0
    assert events(log) == []
    default = InProcessRunner(registry, Executor(registry, QUICK), queues=["default"])
    assert await default.run_until_idle() == 2
    assert {line["job"] for line in events(log, "done")} == {a, b}


async def test_the_counts_per_state_are_logged_over_both_tenants_until_stopped(
    scope_a, scope_b, registry, caplog
):
    """The line the server and every worker write each minute (here every 50 ms)."""
    async with in_transaction():
        await enqueue(scope_a, "test.fail", "count-a")
    async with in_transaction():
        await enqueue(scope_b, "test.fail", "count-b")
    stop = asyncio.Event()
    caplog.set_level(logging.INFO, logger="ledgerport.jobs")

    reporting = asyncio.create_task(status.report(registry, 0.05, stop))
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(reporting, 5)

    assert "jobs by state: queued 2, running 0, retrying 0, succeeded 0, failed 0, cancelled 0" in caplog.text


async def test_given_a_long_job_when_the_runner_stops_then_it_stops_within_its_grace_and_the_job_is_not_done(
    scope_a, registry, tmp_path
):
    """A server stopping during a long batch (month-end statements) stops in seconds; the job's claim
    lapses and a later runner takes it over, so nothing is lost."""
    log = tmp_path / "log"
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.record", "long", {"log": str(log), "sleep": 600})
    stop = asyncio.Event()
    runner = InProcessRunner(registry, Executor(registry, QUICK))
    serving = asyncio.create_task(runner.serve(stop, tick=False))
    while not events(log, "start"):  # noqa: ASYNC110 (the job runs in this loop; its log is the signal)
        await asyncio.sleep(0.05)

    stop.set()
    await asyncio.wait_for(serving, timeout=60)  # a hang guard: the grace is seconds, the job ten minutes

    assert events(log, "done") == []
    assert (await service.get(scope_a, job_id)).state != JobState.SUCCEEDED
