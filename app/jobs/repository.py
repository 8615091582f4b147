"""Every query of the ``job`` table, each starting from the caller's scope (a tenant's system scope for
workers, staff scope for the API).

Claims and the marks that follow are single conditional UPDATEs: the row changes only while it is still
in the state the caller saw, so two workers, a worker and ``cancelJob``, or a worker and the one that
took its job over can never both win. A worker marks a result only while its claim (``locked_by``) is
still the job's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from app.db.scoping import new_row, scoped
from app.db.sql import execute, fetch_all
from app.models import Job
from app.models.enums import JobState
from app.scope import Scope

WAITING = (JobState.QUEUED, JobState.RETRYING)
DONE = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


async def exists(scope: Scope, kind: str, key: str) -> bool:
    return await scoped(Job, scope).filter(kind=kind, key=key).exists()


async def insert(scope: Scope, **values: Any) -> Job:
    row = new_row(Job, scope, **values)
    await row.save()
    return row


async def get(scope: Scope, job_id: int) -> Job | None:
    return await scoped(Job, scope).get_or_none(id=job_id)


def _claimable(now: datetime) -> Q:
    return Q(state__in=WAITING, run_at__lte=now) | Q(state=JobState.RUNNING, locked_until__lt=now)


# One statement that claims and returns the row: the claim is the hot path of every try, and an UPDATE
# followed by a SELECT cost two round trips (and two ORM query builds) for each of them.
_CLAIM = """
UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = :worker, locked_until = :until,
       started_at = :now
 WHERE tenant_id = :tenant AND id = :id
   AND ((state IN ('queued', 'retrying') AND run_at <= :now)
        OR (state = 'running' AND locked_until < :now))
RETURNING *
"""


async def claim(scope: Scope, job_id: int, worker: str, now: datetime, lease: timedelta) -> Job | None:
    """Take the job if it is due, or its last runner's claim ran out; the job after the claim, or None."""
    params = {"tenant": scope.tenant_id, "id": job_id, "worker": worker, "now": now, "until": now + lease}
    rows = await fetch_all(_CLAIM, params)
    return Job._init_from_db(**rows[0]) if rows else None


async def renew(scope: Scope, job_id: int, worker: str, until: datetime) -> bool:
    """Extend a claim still held; False when the job was cancelled or taken over meanwhile."""
    renewed = (
        await scoped(Job, scope)
        .filter(id=job_id, state=JobState.RUNNING, locked_by=worker)
        .update(locked_until=until)
    )
    return bool(renewed)


async def finish(scope: Scope, job_id: int, worker: str, **values: Any) -> bool:
    """Record the end of this worker's try (succeeded, retrying at a time, failed) if the claim is still
    its own."""
    changed = (
        await scoped(Job, scope)
        .filter(id=job_id, state=JobState.RUNNING, locked_by=worker)
        .update(locked_until=None, **values)
    )
    return bool(changed)


_SUCCEED = """
UPDATE job SET state = 'succeeded', locked_until = NULL, finished_at = :now
 WHERE tenant_id = :tenant AND id = :id AND state = 'running' AND locked_by = :worker
"""


async def succeed(scope: Scope, job_id: int, worker: str, now: datetime) -> None:
    """``finish`` for the common case, as one hand-written statement: every try that works ends here."""
    await execute(_SUCCEED, {"tenant": scope.tenant_id, "id": job_id, "worker": worker, "now": now})


async def due_ids(scope: Scope, now: datetime, limit: int, queues: list[str] | None = None) -> list[int]:
    """Jobs the in-process runner should try now (of ``queues``, or all), oldest due first."""
    query = scoped(Job, scope).filter(_claimable(now))
    if queues:
        query = query.filter(queue__in=queues)
    rows = await query.order_by("run_at", "id").limit(limit).values_list("id")
    return [row[0] for row in rows]


async def next_due(scope: Scope) -> datetime | None:
    row = await scoped(Job, scope).filter(state__in=WAITING).order_by("run_at").first().values("run_at")
    return row["run_at"] if row else None


async def requeue(scope: Scope, job_id: int, now: datetime, states: tuple[JobState, ...]) -> bool:
    """Make a failed or cancelled job run again from a fresh set of attempts."""
    changed = (
        await scoped(Job, scope)
        .filter(id=job_id, state__in=states)
        .update(
            state=JobState.QUEUED,
            attempts=0,
            run_at=now,
            finished_at=None,
            locked_by="",
            locked_until=None,
        )
    )
    return bool(changed)


async def cancel(scope: Scope, job_id: int, now: datetime) -> bool:
    """Cancel a job that has not finished; a running handler finishes its try but its result is dropped."""
    changed = (
        await scoped(Job, scope)
        .filter(id=job_id, state__in=(*WAITING, JobState.RUNNING))
        .update(state=JobState.CANCELLED, finished_at=now, locked_until=None)
    )
    return bool(changed)


async def page(
    scope: Scope,
    *,
    state: JobState | None,
    kind: str | None,
    since: datetime | None,
    offset: int,
    limit: int,
) -> tuple[list[Job], int]:
    """Newest first, with the count of all that match."""
    query = scoped(Job, scope)
    if state is not None:
        query = query.filter(state=state)
    if kind:
        query = query.filter(kind=kind)
    if since is not None:
        query = query.filter(created_at__gte=since)
    total = await query.count()
    rows = await query.order_by("-created_at", "-id").offset(offset).limit(limit)
    return list(rows), total


async def counts_by_state(scope: Scope) -> dict[str, int]:
    rows = await scoped(Job, scope).annotate(n=Count("id")).group_by("state").values("state", "n")
    return {str(row["state"]): int(row["n"]) for row in rows}


async def with_key(scope: Scope, kind: str, key: str) -> Job | None:
    return await scoped(Job, scope).get_or_none(kind=kind, key=key)


async def of_kind(scope: Scope, kind: str) -> list[Job]:
    return list(await scoped(Job, scope).filter(kind=kind).order_by("id"))
