"""Collection work in the staff API (docs/collections.md): ``collectionTasks``, ``assignTask``,
``completeTask``, ``logCollectionActivity`` and ``recordPromiseToPay``. Reading is ``ar.read``; every
mutation is ``collections.act``, takes one input and returns ``userErrors`` with codes."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app.collections import activities, tasks, timeline
from app.errors import LedgerportError
from app.models import CollectionActivity, CollectionTask
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, act_on_id, user_errors_from
from schema.permissions import requires
from schema.staff.customer_detail import PromiseToPayNode, promise_node


@strawberry.type(description="A call a dunning step asked for, or a follow-up a collector set.")
class CollectionTaskNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    kind: str = strawberry.field(description="call or follow_up.")
    title: str
    due_on: date
    state: str = strawberry.field(description="open or done.")
    assignee: str | None
    completed_at: datetime | None
    completed_by: str | None
    outcome: str | None


def task_node(t: CollectionTask) -> CollectionTaskNode:
    return CollectionTaskNode(
        id=strawberry.ID(encode_id("CollectionTask", t.id)),
        customer_id=strawberry.ID(encode_id("Customer", t.customer_id)),
        kind=t.kind,
        title=t.title,
        due_on=t.due_on,
        state=t.state,
        assignee=t.assignee or None,
        completed_at=t.completed_at,
        completed_by=t.completed_by or None,
        outcome=t.outcome or None,
    )


@strawberry.type(description="What a collector did about a customer, and what came of it.")
class CollectionActivityNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    kind: str = strawberry.field(description="call, email, meeting or note.")
    outcome: str
    note: str
    promise_id: strawberry.ID | None
    task_id: strawberry.ID | None = strawberry.field(description="The follow-up task it set.")
    by: str
    at: datetime


def activity_node(a: CollectionActivity) -> CollectionActivityNode:
    return CollectionActivityNode(
        id=strawberry.ID(encode_id("CollectionActivity", a.id)),
        customer_id=strawberry.ID(encode_id("Customer", a.customer_id)),
        kind=a.kind,
        outcome=a.outcome,
        note=a.note,
        promise_id=strawberry.ID(encode_id("PromiseToPay", a.promise_id)) if a.promise_id else None,
        task_id=strawberry.ID(encode_id("CollectionTask", a.task_id)) if a.task_id else None,
        by=a.by,
        at=a.at,
    )


@strawberry.input(description="Which tasks to list; unset fields do not restrict.")
class CollectionTaskFilter:
    assignee: str | None = None
    due_by: date | None = strawberry.field(default=None, description="Due on or before this day.")
    state: str | None = strawberry.field(default=None, description="open or done.")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="Only this customer's.")


@strawberry.input
class AssignTaskInput:
    id: strawberry.ID
    assignee: str = strawberry.field(description="The email of a member of the tenant.")


@strawberry.input
class CompleteTaskInput:
    id: strawberry.ID
    outcome: str = ""


@strawberry.input
class PromiseToPayInput:
    customer_id: strawberry.ID
    promised_date: date
    amount: str = strawberry.field(description='In the customer\'s currency, e.g. "1200.00".')
    invoice_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Empty: the account."
    )
    note: str = ""


@strawberry.input
class ActivityPromiseInput:
    promised_date: date
    amount: str
    invoice_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class LogCollectionActivityInput:
    customer_id: strawberry.ID
    kind: str = strawberry.field(description="call, email, meeting or note.")
    outcome: str = ""
    note: str = ""
    promise: ActivityPromiseInput | None = None
    follow_up_on: date | None = strawberry.field(default=None, description="Sets a follow-up task that day.")


@strawberry.type
class CollectionTaskPayload:
    task: CollectionTaskNode | None
    user_errors: list[UserError]


@strawberry.type
class PromiseToPayPayload:
    promise: PromiseToPayNode | None
    user_errors: list[UserError]


@strawberry.type
class CollectionActivityPayload:
    activity: CollectionActivityNode | None
    user_errors: list[UserError]


def _invoice_ids(raw: list[strawberry.ID]) -> tuple[int, ...]:
    return tuple(decode_id("Invoice", i) for i in raw)


@strawberry.type
class CollectionWorkQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Collection tasks, earliest due first.")
    async def collection_tasks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CollectionTaskFilter | None = None,
    ) -> Connection[CollectionTaskNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        f = filter or CollectionTaskFilter()
        customer_id = decode_id("Customer", f.customer_id) if f.customer_id else None
        wanted = tasks.TaskFilter(
            assignee=f.assignee, due_by=f.due_by, state=f.state, customer_id=customer_id
        )
        rows, total = await tasks.page(ctx.scope, wanted, page.offset, page.limit)
        return connection_of(rows, page, total, task_node)


@strawberry.type
class CollectionWorkMutation:
    @strawberry.mutation(extensions=requires("collections.act"), description="Give an open task to someone.")
    async def assign_task(self, info: Info, input: AssignTaskInput) -> CollectionTaskPayload:
        row, errors = await act_on_id(
            info.context.scope, "CollectionTask", input.id, lambda s, i: tasks.assign(s, i, input.assignee)
        )
        return CollectionTaskPayload(task=task_node(row) if row else None, user_errors=errors)

    @strawberry.mutation(
        extensions=requires("collections.act"), description="Mark a task done, with its outcome."
    )
    async def complete_task(self, info: Info, input: CompleteTaskInput) -> CollectionTaskPayload:
        row, errors = await act_on_id(
            info.context.scope, "CollectionTask", input.id, lambda s, i: tasks.complete(s, i, input.outcome)
        )
        return CollectionTaskPayload(task=task_node(row) if row else None, user_errors=errors)

    @strawberry.mutation(
        extensions=requires("collections.act"),
        description="Record a promise to pay a customer made to a collector; it pauses dunning until its date.",
    )
    async def record_promise_to_pay(self, info: Info, input: PromiseToPayInput) -> PromiseToPayPayload:
        ctx = info.context
        try:
            wanted = activities.PromiseInput(
                input.promised_date, input.amount, _invoice_ids(input.invoice_ids), input.note
            )
            row = await activities.record_promise(
                ctx.scope, decode_id("Customer", input.customer_id), wanted, ctx.today()
            )
        except LedgerportError as exc:
            return PromiseToPayPayload(promise=None, user_errors=user_errors_from(exc))
        return PromiseToPayPayload(promise=promise_node(row), user_errors=[])

    @strawberry.mutation(
        extensions=requires("collections.act"),
        description="Log a call, email, meeting or note on a customer, with an optional promise and follow-up.",
    )
    async def log_collection_activity(
        self, info: Info, input: LogCollectionActivityInput
    ) -> CollectionActivityPayload:
        ctx = info.context
        try:
            promise = (
                activities.PromiseInput(
                    input.promise.promised_date, input.promise.amount, _invoice_ids(input.promise.invoice_ids)
                )
                if input.promise
                else None
            )
            row = await activities.log_activity(
                ctx.scope, decode_id("Customer", input.customer_id), kind=input.kind, outcome=input.outcome,
                note=input.note, today=ctx.today(), promise=promise, follow_up_on=input.follow_up_on,
            )  # fmt: skip
        except LedgerportError as exc:
            return CollectionActivityPayload(activity=None, user_errors=user_errors_from(exc))
        return CollectionActivityPayload(activity=activity_node(row), user_errors=[])


_TIMELINE_TYPES = {
    "invoice": "Invoice",
    "payment": "Payment",
    "dunning_message": "DunningMessage",
    "activity": "CollectionActivity",
    "promise": "PromiseToPay",
    "dispute": "Dispute",
}


@strawberry.type(description="One thing that happened on a customer's account.")
class TimelineEntryNode:
    kind: str = strawberry.field(
        description="invoice, payment, dunning_message, activity, promise or dispute."
    )
    object_id: strawberry.ID = strawberry.field(description="The invoice, payment, message, ... it is about.")
    on: date
    at: datetime | None = strawberry.field(description="The moment, for entries that have one.")
    title: str
    amount: Money | None
    detail: str
    pdf_url: str | None = strawberry.field(description="A dunning message's statement or letter.")


def timeline_node(e: timeline.TimelineEntry) -> TimelineEntryNode:
    return TimelineEntryNode(
        kind=e.kind,
        object_id=strawberry.ID(encode_id(_TIMELINE_TYPES[e.kind], e.object_id)),
        on=e.on,
        at=e.at,
        title=e.title,
        amount=Money.of(e.amount, e.currency) if e.amount is not None and e.currency else None,
        detail=e.detail,
        pdf_url=e.pdf_url,
    )
