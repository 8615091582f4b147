"""One try of one job: claim it, run its handler in the tenant's scope, record what happened.

The same code runs under both engines: the in-process runner (SQLite) and pgqueuer's workers
(PostgreSQL) only decide *when* ``run`` is called. The claim is a conditional UPDATE (``repository.claim``)
renewed while the handler runs; a worker that dies stops renewing, and the next caller takes the job
over once the claim has run out. A failure waits ``retry.delay`` and tries again until the kind's
attempts are spent, then the job is kept as failed with its last error, for ``retryJob``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from dataclasses import dataclass, replace
from datetime import timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.jobs import engine, handlers, repository, retry
from app.jobs.handlers import JobContext
from app.jobs.tuning import Tuning
from app.models.enums import JobState
from app.realtime.events import job_finished
from app.realtime.publish import publish
from app.scope import Scope
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.jobs")


def worker_name() -> str:
    """Who holds a claim: host and process, so an operator can tell which worker runs a job."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass(frozen=True)
class Outcome:
    """What a try came to; ``again_in`` tells the engine to look again later (a retry, a busy job)."""

    state: str
    again_in: timedelta | None = None


class Executor:
    def __init__(self, tenants: TenantRegistry, tuning: Tuning | None = None, *, worker: str = "") -> None:
        self.tenants = tenants
        self.tuning = tuning or Tuning.from_env()
        self.worker = worker or worker_name()
        self.uses_engine = False  # set by the pgqueuer worker: retries then need an engine row
        # A tenant's id never changes while a process runs: look each slug up once, not once per try.
        self._scopes: dict[str, Scope] = {}

    async def scope_of(self, tenant_slug: str) -> Scope:
        scope = self._scopes.get(tenant_slug)
        if scope is None:
            scope = self._scopes[tenant_slug] = await system_scope(tenant_slug, principal="jobs")
        return scope

    async def run(self, tenant_slug: str, job_id: int) -> Outcome:
        tenant_file = self.tenants.get(tenant_slug)
        if tenant_file is None:
            log.error("job %s names tenant %r, which has no tenant file", job_id, tenant_slug)
            return Outcome("unknown tenant")
        scope = replace(await self.scope_of(tenant_slug), principal=f"job:{job_id}")
        now = clock.now()
        lease = timedelta(seconds=self.tuning.lease_seconds)
        job = await repository.claim(scope, job_id, self.worker, now, lease)
        if job is None:
            return await self._not_claimed(scope, job_id)
        try:
            handler = handlers.get(job.kind)
        except handlers.UnknownJobKind as exc:
            await self._failed(scope, job, retry.describe(exc))
            return Outcome(JobState.FAILED)
        context = JobContext(
            scope=scope,
            tenant=tenant_file.config,
            job_id=job.id,
            kind=job.kind,
            key=job.key,
            args=dict(job.args or {}),
            attempt=job.attempts,
            max_attempts=job.max_attempts,
        )
        # Most jobs end long before a third of their lease: renewal starts only for those that do not.
        renewing: list[asyncio.Task] = []
        timer = asyncio.get_running_loop().call_later(
            lease.total_seconds() / 3,
            lambda: renewing.append(asyncio.create_task(self._renew(scope, job.id, lease))),
        )
        try:
            await handler.run(context)
        except Exception as exc:  # any failure of a handler is the job's, never the worker's
            error = retry.describe(exc)
            log.warning("job %s (%s) try %d failed: %s", job.id, job.kind, job.attempts, error)
            if job.attempts >= job.max_attempts:
                await self._failed(scope, job, error)
                return Outcome(JobState.FAILED)
            wait = retry.delay(job.attempts, self.tuning)
            await self._retrying(scope, job, error, wait)
            return Outcome(JobState.RETRYING, wait)
        finally:
            timer.cancel()
            for task in renewing:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await repository.succeed(scope, job.id, self.worker, clock.now())
        publish(job_finished(scope.tenant_id, job.id, job.kind, JobState.SUCCEEDED.value))
        return Outcome(JobState.SUCCEEDED)

    async def _not_claimed(self, scope, job_id: int) -> Outcome:
        """Someone else runs it (look again when their claim would end), it is not due yet, or done."""
        job = await repository.get(scope, job_id)
        now = clock.now()
        if job is None or job.state in repository.DONE:
            return Outcome("done")
        if job.state == JobState.RUNNING and job.locked_until is not None:
            return Outcome("busy", max(job.locked_until - now, timedelta(0)) + timedelta(seconds=0.5))
        return Outcome("not due", max(job.run_at - now, timedelta(0)))

    async def _renew(self, scope, job_id: int, lease: timedelta) -> None:
        while True:
            if not await repository.renew(scope, job_id, self.worker, clock.now() + lease):
                return
            await asyncio.sleep(lease.total_seconds() / 3)

    async def _failed(self, scope, job, error: str) -> None:
        log.error("job %s (%s) failed after %d tries: %s", job.id, job.kind, job.attempts, error)
        if await repository.finish(
            scope, job.id, self.worker, state=JobState.FAILED, last_error=error, finished_at=clock.now()
        ):
            publish(job_finished(scope.tenant_id, job.id, job.kind, JobState.FAILED.value))

    async def _retrying(self, scope, job, error: str, wait: timedelta) -> None:
        async with in_transaction():
            recorded = await repository.finish(
                scope,
                job.id,
                self.worker,
                state=JobState.RETRYING,
                last_error=error,
                run_at=clock.now() + wait,
            )
            if recorded and self.uses_engine:
                await engine.push(job.queue, engine.Wake(scope.tenant_slug, job.id), wait)
