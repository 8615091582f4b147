"""The runner for the SQLite embedded default: jobs run inside the server (or ``ledgerport demo``, or a
``ledgerport worker`` on SQLite), so a new user starts nothing extra.

It is a loop, not a queue engine: SQLite has one writer and no LISTEN/NOTIFY, and the ``job`` rows
already say everything (due time, claim, attempts). Every ``poll_seconds`` it asks each tenant for due
jobs and hands them to the same ``Executor`` the PostgreSQL workers use, at most ``concurrency`` at a
time (only those of its ``queues`` when a ``ledgerport worker --queues`` runs it); every
``tick_seconds`` it ticks the schedules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app import clock
from app.jobs import repository, schedules
from app.jobs.executor import Executor
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.jobs")


#: How long a stopping runner lets running jobs finish before cancelling them.
STOP_GRACE_SECONDS = 3.0


class InProcessRunner:
    def __init__(
        self,
        tenants: TenantRegistry,
        executor: Executor | None = None,
        *,
        concurrency: int = 2,
        queues: list[str] | None = None,
    ):
        self.tenants = tenants
        self.queues = queues  # None: every queue (the server); a worker's ``--queues`` narrows it
        self.executor = executor or Executor(tenants)
        self.slots = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency
        self.running: set[asyncio.Task] = set()
        self.active: set[tuple[str, int]] = set()  # (tenant, job) started and not yet done

    async def start_due(self) -> int:
        """Start every due job not already running here, as slots free up; how many were started. A slow
        job (a month-end batch) holds only its own slot: the next round does not wait for it."""
        started = 0
        for tenant_file in self.tenants:
            slug = tenant_file.config.slug
            scope = await system_scope(slug, principal="jobs")
            due = await repository.due_ids(scope, clock.now(), self.concurrency * 4, self.queues)
            for job_id in due:
                if (slug, job_id) in self.active:
                    continue
                await self.slots.acquire()
                self.active.add((slug, job_id))
                task = asyncio.create_task(self._one(slug, job_id))
                self.running.add(task)
                task.add_done_callback(self.running.discard)
                started += 1
        return started

    async def run_due(self) -> int:
        """Start every job that is due now and wait for them (tests); how many ran."""
        started = await self.start_due()
        if self.running:
            await asyncio.gather(*self.running, return_exceptions=True)
        return started

    async def _one(self, slug: str, job_id: int) -> None:
        try:
            await self.executor.run(slug, job_id)
        except Exception:
            log.exception("running job %s of %s failed", job_id, slug)
        finally:
            self.active.discard((slug, job_id))
            self.slots.release()

    async def run_until_idle(self, *, rounds: int = 20) -> int:
        """Run due jobs until none is due (tests: what a server would do over the next moments)."""
        total = 0
        for _ in range(rounds):
            ran = await self.run_due()
            total += ran
            if not ran:
                break
        return total

    async def serve(self, stop: asyncio.Event, *, tick: bool = True) -> None:
        """Poll and tick until ``stop`` is set; a failing round is logged and the loop goes on."""
        tuning = self.executor.tuning
        next_tick = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            if tick and loop.time() >= next_tick:
                with _logged("schedule tick"):
                    await schedules.tick(self.tenants)
                next_tick = loop.time() + tuning.tick_seconds
            with _logged("job round"):
                await self.start_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tuning.poll_seconds)
        if self.running:
            # Stopping: the tries in flight get a grace period to finish, then are cancelled; their claim
            # lapses and the next runner takes them over (handlers are idempotent), so a server stops in
            # seconds even during a long batch.
            _, late = await asyncio.wait(set(self.running), timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)


@contextlib.contextmanager
def _logged(what: str):
    try:
        yield
    except Exception:
        log.exception("%s failed", what)
