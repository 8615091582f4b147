"""The queries of collection tasks (app/collections/tasks.py): the task list, one task, its changes."""

from __future__ import annotations

from typing import Any

from app.db.scoping import scoped
from app.models import CollectionTask, Membership
from app.scope import Scope


async def task(scope: Scope, task_id: int) -> CollectionTask | None:
    return await scoped(CollectionTask, scope).get_or_none(id=task_id)


async def update_task(scope: Scope, task_id: int, only_open: bool, **values: Any) -> int:
    query = scoped(CollectionTask, scope).filter(id=task_id)
    if only_open:
        query = query.filter(state="open")
    return await query.update(**values)


async def task_page(scope: Scope, wanted, *, offset: int, limit: int) -> tuple[list[CollectionTask], int]:
    """A page of tasks matching ``wanted`` (an ``app.collections.tasks.TaskFilter``)."""
    query = scoped(CollectionTask, scope)
    if wanted.assignee is not None:
        query = query.filter(assignee=wanted.assignee)
    if wanted.due_by is not None:
        query = query.filter(due_on__lte=wanted.due_by)
    if wanted.state is not None:
        query = query.filter(state=wanted.state)
    if wanted.customer_id is not None:
        query = query.filter(customer_id=wanted.customer_id)
    return list(await query.order_by("due_on", "id").offset(offset).limit(limit)), await query.count()


async def is_collector(scope: Scope, email: str) -> bool:
    """Whether ``email`` is a member of the tenant (any role may be assigned a task)."""
    return await scoped(Membership, scope).filter(user__email=email.lower()).exists()


async def open_tasks_by_customer(scope: Scope, customer_ids: list[int]) -> list[CollectionTask]:
    return list(
        await scoped(CollectionTask, scope)
        .filter(customer_id__in=customer_ids, state="open")
        .order_by("due_on", "id")
    )
