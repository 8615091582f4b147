"""``collectionWorklist``: customers ranked by collection priority, each with the score's parts and
the suggested next action."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from app.collections import service as collections
from schema.common.connections import Connection, connection_of, page_of
from schema.permissions import requires
from schema.staff.customer_figures import PriorityScore, priority_score
from schema.staff.customers import Customer, customer_node
from schema.staff.filters import CustomerFilter, domain_filter


@strawberry.type(description="A customer to chase: why (the score's parts) and what to do next.")
class WorklistEntryNode:
    customer: Customer
    priority: PriorityScore
    suggested_action: str = strawberry.field(
        description="resolve_dispute, escalate, credit_hold_review, final_notice, call or send_reminder."
    )


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
            )

        return connection_of(entries, page, total, node)
