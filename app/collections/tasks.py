"""Collection tasks: calls that dunning steps ask for and follow-ups collectors set; assign, complete, list.

Who gets a new task is the tenant's rule: the collections role, round-robin by customer (the same customer
goes to the same collector while the team stays the same), unassigned when the tenant has no collector.
Listing is ``ar.read``; changing a task is ``collections.act``. Another tenant's task is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.collections import repository
from app.collections.repositories import tasks as task_queries
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.emails import parse_email
from app.inputs.text import check_text
from app.models import CollectionTask
from app.scope import Scope

STATES = ("open", "done")


@dataclass(frozen=True)
class TaskFilter:
    assignee: str | None = None
    due_by: date | None = None
    state: str | None = None
    customer_id: int | None = None


def assignee_for(collectors: list[str], customer_id: int) -> str:
    """The collector of a customer's new task: round-robin by customer id over the collections role."""
    return collectors[customer_id % len(collectors)] if collectors else ""


async def page(scope: Scope, wanted: TaskFilter, offset: int, limit: int) -> tuple[list[CollectionTask], int]:
    require(scope, "ar.read")
    if wanted.state is not None and wanted.state not in STATES:
        raise ValidationFailed(
            f"state must be one of {', '.join(STATES)}", field="state", code="invalid_choice"
        )
    return await task_queries.task_page(scope, wanted, offset=offset, limit=limit)


async def assign(scope: Scope, task_id: int, assignee: str) -> CollectionTask:
    """Give an open task to a member of the tenant."""
    require(scope, "collections.act")
    email = parse_email(assignee, "assignee")
    if await task_queries.task(scope, task_id) is None:
        raise NotFound("task not found", field="id")
    if not await task_queries.is_collector(scope, email):
        raise NotFound("no such member of the tenant", field="assignee")
    async with in_transaction():
        if not await task_queries.update_task(scope, task_id, True, assignee=email):
            raise Conflict("the task is done already", field="id")
        await audit.record(
            scope, "task.assign", target_type="CollectionTask", target_id=task_id, details={"to": email}
        )
    return await task_queries.task(scope, task_id)


async def complete(scope: Scope, task_id: int, outcome: str) -> CollectionTask:
    require(scope, "collections.act")
    outcome = check_text(outcome, "outcome", 2000, multiline=True)
    if await task_queries.task(scope, task_id) is None:
        raise NotFound("task not found", field="id")
    async with in_transaction():
        changed = await task_queries.update_task(
            scope,
            task_id,
            True,
            state="done",
            outcome=outcome,
            completed_at=clock.now(),
            completed_by=scope.principal,
        )
        if not changed:
            raise Conflict("the task is done already", field="id")
        await audit.record(scope, "task.complete", target_type="CollectionTask", target_id=task_id)
    return await task_queries.task(scope, task_id)


async def open_tasks_of(scope: Scope, customer_ids: list[int]) -> dict[int, list[CollectionTask]]:
    """The open tasks of these customers, earliest due first (the worklist shows them)."""
    require(scope, "ar.read")
    out: dict[int, list[CollectionTask]] = {}
    for task in await task_queries.open_tasks_by_customer(scope, customer_ids):
        out.setdefault(task.customer_id, []).append(task)
    return out


async def last_touches(scope: Scope, customer_ids: list[int]):
    """When each customer was last touched: its latest activity or dunning message."""
    require(scope, "ar.read")
    return await repository.latest_touches(scope, customer_ids)
