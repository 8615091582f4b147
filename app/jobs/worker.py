"""A ``ledgerport worker`` process: runs jobs until SIGTERM/SIGINT, and ticks the schedules.

On PostgreSQL it is a pgqueuer ``QueueManager`` on a connection of its own (LISTEN needs one), with one
entrypoint per queue it serves; each engine row it picks is one ``Executor.run``. Start as many as the
load needs, on as many machines as share the database: the engine hands each row to one of them, and a
row whose worker went silent to another. On SQLite the same command runs the in-process loop. Stopping
lets the tries in flight finish (the engine re-offers any that a hard kill interrupted).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import timedelta

import asyncpg
from pgqueuer import Queries, QueueManager
from pgqueuer.db import AsyncpgDriver
from pgqueuer.models import Job as EngineJob
from tortoise.transactions import in_transaction

from app.db import lifecycle
from app.jobs import engine, handlers, schedules, status
from app.jobs.executor import Executor
from app.jobs.inprocess import InProcessRunner
from app.realtime import transports as realtime_transports
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants

log = logging.getLogger("ledgerport.jobs")


def build_queue_manager(
    connection: asyncpg.Connection, executor: Executor, queues: list[str], concurrency: int
) -> QueueManager:
    """A pgqueuer manager that runs our executor for each row of the given queues."""
    manager = QueueManager(Queries(AsyncpgDriver(connection)))
    executor.uses_engine = True
    slots = asyncio.Semaphore(concurrency)

    async def run_one(job: EngineJob) -> None:
        wake = engine.Wake.decode(job.payload)
        async with slots:
            outcome = await executor.run(wake.tenant, wake.job_id)
        if outcome.state in ("busy", "not due") and outcome.again_in is not None:
            # Another worker holds the claim, or a retry's time has not come: look again then.
            async with in_transaction():
                await engine.push(job.entrypoint, wake, outcome.again_in)

    for queue in queues:
        manager.entrypoint(queue)(run_one)
    return manager


async def _ticking(tenants: TenantRegistry, every: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await schedules.tick(tenants)
        except Exception:
            log.exception("schedule tick failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def serve(
    settings: Settings, tenants: TenantRegistry, queues: list[str] | None, concurrency: int
) -> None:
    """Run until a signal asks to stop."""
    handlers.load()
    known = handlers.queues()
    unknown = sorted(set(queues or []) - set(known))
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)} (known: {', '.join(known)})")
    queues = sorted(queues or known)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # A connection per job slot (and two for ticks and counts): the default pool of five made a worker
    # with ``--concurrency 16`` wait for connections, not for work.
    await lifecycle.open_database(settings.database_url, pool_size=concurrency + 2, settings=settings)
    connection: asyncpg.Connection | None = None
    try:
        # Jobs' events (a payment matched from a bank file, a job's end) reach every server's subscribers.
        await realtime_transports.start(settings.database_url, settings.redis_url)
        await sync_tenants(tenants)
        executor = Executor(tenants)
        tuning = executor.tuning
        background = [
            asyncio.create_task(_ticking(tenants, tuning.tick_seconds, stop)),
            asyncio.create_task(status.report(tenants, status.REPORT_SECONDS, stop)),
        ]
        if lifecycle.dialect() == "postgres":
            connection = await asyncpg.connect(engine.asyncpg_dsn(settings.database_url))
            manager = build_queue_manager(connection, executor, queues, concurrency)

            def shutdown() -> None:
                stop.set()
                manager.shutdown.set()

            # Take a full round of rows per dequeue (one query for ``concurrency`` jobs), and fetch the next
            # round while this one runs; the executor's slots still bound how many run at once.
            runner = manager.run(
                batch_size=concurrency,
                max_concurrent_tasks=2 * concurrency,
                heartbeat_timeout=timedelta(seconds=tuning.takeover_seconds),
                dequeue_timeout=timedelta(seconds=max(1.0, tuning.poll_seconds)),
            )
        else:
            runner_loop = InProcessRunner(tenants, executor, concurrency=concurrency, queues=queues)

            def shutdown() -> None:
                stop.set()

            runner = runner_loop.serve(stop, tick=False)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, shutdown)
        log.info("worker %s serving queues %s, %d at a time", executor.worker, ", ".join(queues), concurrency)
        try:
            await runner
        finally:
            stop.set()
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
    finally:
        if connection is not None:
            await connection.close()
        await realtime_transports.stop()
        await lifecycle.close_database()
