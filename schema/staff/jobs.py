"""``jobs`` and ``job`` (admin): the background jobs of the tenant, and ``retryJob`` / ``cancelJob``.

Permission is checked by the service (``jobs.manage``) and declared here so a frontend learns it early;
a job of another tenant is "not found" like any other object (docs/jobs.md).
"""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.jobs import service
from app.models import Job
from app.models.enums import JobState
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, act_on_id
from schema.permissions import requires

JobStateEnum = strawberry.enum(JobState, name="JobState")


@strawberry.type(description="A background job: an email, a scheduled alert evaluation, a statement batch.")
class JobNode:
    id: strawberry.ID
    kind: str
    queue: str
    key: str = strawberry.field(description="What makes it unique: queued once per key and tenant.")
    state: JobStateEnum
    attempts: int
    max_attempts: int
    run_at: datetime = strawberry.field(description="When it runs (next): its backoff ends then.")
    last_error: str | None
    arguments: str = strawberry.field(description="Its arguments, as JSON.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_node(job: Job) -> JobNode:
    return JobNode(
        id=encode_id("Job", job.id),
        kind=job.kind,
        queue=job.queue,
        key=job.key,
        state=JobStateEnum(job.state),
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        run_at=job.run_at,
        last_error=job.last_error or None,
        arguments=json.dumps(job.args, sort_keys=True),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@strawberry.input(description="Which jobs to list; unset fields do not restrict.")
class JobFilter:
    state: JobStateEnum | None = None
    kind: str | None = None
    since: datetime | None = strawberry.field(default=None, description="Created at or after.")


@strawberry.type(description="A page of jobs, newest first.")
class JobConnection(Connection[JobNode]):
    pass


@strawberry.input
class JobActionInput:
    id: strawberry.ID


@strawberry.type
class JobPayload:
    job: JobNode | None
    user_errors: list[UserError]


@strawberry.type
class JobsQuery:
    @strawberry.field(extensions=requires("jobs.manage"), description="Background jobs, newest first.")
    async def jobs(
        self, info: Info, first: int | None = None, after: str | None = None, filter: JobFilter | None = None
    ) -> JobConnection:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        wanted = service.JobFilter(
            state=JobState(filter.state) if filter and filter.state else None,
            kind=filter.kind if filter else None,
            since=filter.since if filter else None,
        )
        rows, total = await service.page(ctx.scope, wanted, page.offset, page.limit)
        c = connection_of(rows, page, total, job_node)
        return JobConnection(edges=c.edges, page_info=c.page_info, total_count=c.total_count)

    @strawberry.field(extensions=requires("jobs.manage"), description="One job, by id.")
    async def job(self, info: Info, id: strawberry.ID) -> JobNode:
        return job_node(await service.get(info.context.scope, decode_id("Job", id)))


async def _act(info: Info, input: JobActionInput, action) -> JobPayload:
    job, errors = await act_on_id(info.context.scope, "Job", input.id, action)
    return JobPayload(job=job_node(job) if job is not None else None, user_errors=errors)


@strawberry.type
class JobsMutation:
    @strawberry.mutation(
        extensions=requires("jobs.manage"),
        description="Run a failed or cancelled job again, with fresh tries.",
    )
    async def retry_job(self, info: Info, input: JobActionInput) -> JobPayload:
        return await _act(info, input, service.retry)

    @strawberry.mutation(
        extensions=requires("jobs.manage"), description="Cancel a job that has not finished."
    )
    async def cancel_job(self, info: Info, input: JobActionInput) -> JobPayload:
        return await _act(info, input, service.cancel)
