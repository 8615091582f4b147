"""``collectionWorklist``: customers ranked by collection priority, each with the score's parts and
the suggested next action."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app.collections import service as collections
from app.collections import status as dunning_status
from app.collections import tasks
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.permissions import requires
from schema.staff.collection_work import CollectionTaskNode, task_node
from schema.staff.customer_figures import PriorityScore, priority_score
from schema.staff.customers import Customer, customer_node
from schema.staff.dunning import DunningStatusNode, status_node
from schema.staff.filters import CustomerFilter, domain_filter


@strawberry.type(description="A customer to chase: why (the score's parts) and what to do next.")
class WorklistEntryNode:
    customer: Customer
    priority: PriorityScore
    suggested_action: str = strawberry.field(
        description="resolve_dispute, escalate, credit_hold_review, final_notice, call or send_reminder."
    )
    _customer_id: strawberry.Private[int]
    _as_of: strawberry.Private[date]

    @strawberry.field(extensions=requires("ar.read"), description="Its latest activity or dunning message.")
    async def last_touch(self, info: Info) -> datetime | None:
        scope = info.context.scope
        loader = batch_loader(info, "LastTouchByCustomerLoader", lambda ids: tasks.last_touches(scope, ids))
        return await loader.load(self._customer_id)

    @strawberry.field(extensions=requires("ar.read"), description="Dunning's next step and its date.")
    async def next_step(self, info: Info) -> DunningStatusNode:
        ctx, as_of = info.context, self._as_of
        loader = batch_loader(
            info,
            f"DunningStatusByCustomerLoader:{as_of}",
            lambda ids: dunning_status.statuses(ctx.scope, ctx.tenant_config, ids, as_of),
        )
        return status_node(await loader.load(self._customer_id))

    @strawberry.field(extensions=requires("ar.read"), description="Its open collection tasks.")
    async def open_tasks(self, info: Info) -> list[CollectionTaskNode]:
        scope = info.context.scope
        loader = batch_loader(
            info, "OpenTasksByCustomerLoader", lambda ids: tasks.open_tasks_of(scope, ids), []
        )
        return [task_node(t) for t in await loader.load(self._customer_id)]


@strawberry.type
class CollectionsQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Customers ranked by collection priority.")
    async def collection_worklist(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        as_of: date | None = None,
        filter: CustomerFilter | None = None,
    ) -> Connection[WorklistEntryNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        as_of = as_of or ctx.today()
        entries, total = await collections.worklist(
            ctx.scope,
            ctx.tenant_config,
            as_of=as_of,
            flt=domain_filter(filter),
            offset=page.offset,
            limit=page.limit,
        )
        base = ctx.tenant_config.base_currency

        def node(entry) -> WorklistEntryNode:
            return WorklistEntryNode(
                customer=customer_node(entry.item, as_of, base),
                priority=priority_score(entry.item.priority, base),
                suggested_action=entry.action,
                _customer_id=entry.item.customer.id,
                _as_of=as_of,
            )

        return connection_of(entries, page, total, node)
