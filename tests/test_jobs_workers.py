"""Real ``ledgerport worker`` processes (pgqueuer on PostgreSQL, the in-process loop on SQLite): a worker
killed mid-job, two workers sharing one schedule, and an SMTP relay that comes up late."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from tortoise.transactions import in_transaction

from app.jobs import repository
from app.jobs.enqueue import enqueue
from app.models.enums import DeliveryState, JobState
from app.notifications import repository as deliveries
from app.support import service as support
from tests.browser import free_port
from tests.job_probes import events
from tests.mailbox import _Keeper
from tests.portal_data import contact_scope, world
from tests.workers import ROOT, eventually


async def test_given_a_worker_killed_mid_job_then_a_second_worker_completes_it_exactly_once(
    scope_a, workers, tmp_path
):
    log = tmp_path / "log"
    first = workers.start()
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.record", "slow", {"log": str(log), "sleep": 4})
    await eventually(lambda: _has(log, "start"), what="the first worker to start the job")

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = workers.start()
    await eventually(lambda: _state_is(scope_a, job_id, JobState.SUCCEEDED), within=60, what="the takeover")

    starts, dones = events(log, "start"), events(log, "done")
    assert [s["pid"] for s in starts] == [first.pid, second.pid]
    assert [d["pid"] for d in dones] == [second.pid]
    assert (await repository.get(scope_a, job_id)).attempts == 2


async def test_given_two_workers_and_a_schedule_every_minute_for_five_minutes_then_five_runs(
    scope_a, scope_b, workers, tmp_path
):
    tenants = _tenants_evaluating_alerts_every_minute(tmp_path / "tenants")
    # 12x: a virtual minute is 5 s, so a tick delayed by a loaded machine (2 workers, 2 cores) still lands
    # in its minute (at 30x a 2 s stall of the SQLite lock skipped one: a missed minute is not caught up).
    rate, origin, since = 12.0, datetime(2027, 3, 2, 12, tzinfo=UTC), time.time()
    fast = {
        "LEDGERPORT_NOW": origin.isoformat(),
        "LEDGERPORT_CLOCK_RATE": str(rate),
        "LEDGERPORT_CLOCK_SINCE": str(since),
    }

    def virtual_now() -> datetime:
        return origin + timedelta(seconds=(time.time() - since) * rate)

    for _ in range(2):
        workers.start(fast, tenants_dir=tenants)
    await eventually(lambda: _has_jobs(scope_a, "alerts.evaluate"), within=60, what="the first scheduled run")
    first = (await repository.of_kind(scope_a, "alerts.evaluate"))[0].args["period"]
    last_tick = datetime.fromisoformat(first) + timedelta(minutes=4, seconds=30)
    await asyncio.sleep(max(0.0, (last_tick - virtual_now()).total_seconds() / rate))
    workers.stop_all()

    for scope in (scope_a, scope_b):
        runs = await repository.of_kind(scope, "alerts.evaluate")
        periods = [datetime.fromisoformat(j.args["period"]) for j in runs]
        assert len(runs) == 5, [j.key for j in runs]
        assert periods == [periods[0] + timedelta(minutes=n) for n in range(5)]
        assert {j.state for j in runs} == {JobState.SUCCEEDED}


async def test_given_the_mail_relay_down_then_started_later_then_the_message_is_delivered_exactly_once(
    scope_a, registry, workers
):
    w = await world()
    port = free_port()  # nothing listens there yet
    smtp = {
        "LEDGERPORT_SMTP_HOST": "127.0.0.1",
        "LEDGERPORT_SMTP_PORT": str(port),
        "LEDGERPORT_SMTP_FROM": "ar@ledgerport.test",
    }
    workers.start(smtp)
    carla = await contact_scope("carla@xenon.example")
    created = await support.create(carla, registry.require("northwind").config, w.x.id, "Hello", "Anyone?")
    key = f"new_request:support_request:{created.id}:ar-support@northwind.example:1"

    await eventually(lambda: _delivery_is(scope_a, key, DeliveryState.RETRYING), what="a failed first try")
    refused = await deliveries.delivery(scope_a, key)
    assert "Connection refused" in refused.smtp_reply or "Errno" in refused.smtp_reply

    keeper = _Keeper()
    relay = Controller(keeper, hostname="127.0.0.1", port=port)
    relay.start()
    try:
        await eventually(
            lambda: _delivery_is(scope_a, key, DeliveryState.SENT), what="delivery once the relay is up"
        )
        await asyncio.sleep(1.5)  # any duplicate try would have come by now (backoff cap 1 s)
    finally:
        relay.stop()

    # Only the support query's message counts: the worker also runs the tenants' schedules on the real
    # calendar (a monthly management pack falls due on the 1st), whose mail reaches the same relay.
    ours = [m for m in keeper.messages if m["To"] == "ar-support@northwind.example"]
    assert len(ours) == 1, [(m["To"], m["Subject"]) for m in keeper.messages]
    assert ours[0]["Subject"].startswith("New billing query from")
    sent = await deliveries.delivery(scope_a, key)
    assert sent.smtp_reply.startswith("250") and sent.attempts >= 2


def _tenants_evaluating_alerts_every_minute(target: Path) -> Path:
    shutil.copytree(ROOT / "tenants", target)
    for path in target.glob("*.toml"):
        text = path.read_text()
        text = text.replace("[alerts]\n", "[alerts]\nevaluate_every_minutes = 1\n", 1)
        path.write_text(
            text
            if "evaluate_every_minutes = 1" in text
            else text + "\n[alerts]\nevaluate_every_minutes = 1\n"
        )
    return target


async def _has(log: Path, event: str) -> bool:
    return bool(events(log, event))


async def _has_jobs(scope, kind: str) -> bool:
    return bool(await repository.of_kind(scope, kind))


async def _state_is(scope, job_id: int, state: JobState) -> bool:
    job = await repository.get(scope, job_id)
    return job is not None and job.state == state


async def _delivery_is(scope, key: str, state: DeliveryState) -> bool:
    found = await deliveries.delivery(scope, key)
    return found is not None and found.state == state
