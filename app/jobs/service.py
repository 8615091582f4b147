"""The staff face of background jobs: list them, look at one, retry a failed one, cancel a waiting one.

Admin only (``jobs.manage``), checked here so the GraphQL API and the CLI obey the same rule. Another
tenant's job is "not found". A retry starts the job again with a fresh set of attempts, on the same
engine path as a new job (on PostgreSQL its engine row is written in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from app import clock
from app.auth.permissions import require
from app.db.sql import dialect
from app.errors import Conflict, NotFound
from app.jobs import engine, repository
from app.models import Job
from app.models.enums import JobState
from app.scope import Scope


@dataclass(frozen=True)
class JobFilter:
    state: JobState | None = None
    kind: str | None = None
    since: datetime | None = None


async def page(scope: Scope, wanted: JobFilter, offset: int, limit: int) -> tuple[list[Job], int]:
    require(scope, "jobs.manage")
    return await repository.page(
        scope, state=wanted.state, kind=wanted.kind, since=wanted.since, offset=offset, limit=limit
    )


async def get(scope: Scope, job_id: int) -> Job:
    require(scope, "jobs.manage")
    job = await repository.get(scope, job_id)
    if job is None:
        raise NotFound("job not found")
    return job


async def retry(scope: Scope, job_id: int) -> Job:
    """Run a failed or cancelled job again."""
    job = await get(scope, job_id)
    async with in_transaction():
        if not await repository.requeue(scope, job_id, clock.now(), (JobState.FAILED, JobState.CANCELLED)):
            raise Conflict(f"only a failed or cancelled job can be retried; this one is {job.state.value}")
        if dialect() == "postgres":
            await engine.push(job.queue, engine.Wake(scope.tenant_slug, job.id))
    return await get(scope, job_id)


async def cancel(scope: Scope, job_id: int) -> Job:
    """Stop a job that has not finished; a try already running completes, but its result is not kept."""
    job = await get(scope, job_id)
    if not await repository.cancel(scope, job_id, clock.now()):
        raise Conflict(f"the job has already {job.state.value}: nothing to cancel")
    return await get(scope, job_id)
