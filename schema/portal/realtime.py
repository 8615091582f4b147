"""The portal schema's subscription: an account's figures changed (graphql-transport-ws on
``/portal/graphql``; docs/realtime.md). A contact subscribes to one of its own accounts; another
account, of its tenant or another, is "not found" at once, as ``account(id)`` answers, and its events
are never sent (the contact's scope filters every event, schema.common.realtime)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from app.portal import access as portal_access
from app.portal import figures as portal_figures
from app.realtime import events as topics
from schema.common import ids
from schema.common.realtime import events
from schema.portal.account import AccountView, account_view


@strawberry.type(description="Your account's balance changed: a payment, an invoice, a credit, a dispute.")
class AccountChanged:
    account_id: strawberry.ID
    reason: str = strawberry.field(
        description="What changed it (`payment.succeeded`, `import.completed`, ...)."
    )

    @strawberry.field(description="The account with its figures as `account(id)` answers now.")
    async def account(self, info: Info) -> AccountView:
        context = info.context
        tenant = context.tenants.require(context.scope.tenant_slug).config
        figures = await portal_figures.account_figures(
            context.scope, ids.decode_id("Account", str(self.account_id)), tenant
        )
        return account_view(figures)


@strawberry.type
class PortalSubscription:
    @strawberry.subscription(description="Changes to one of your accounts' balance.")
    async def account_changed(self, info: Info, id: strawberry.ID) -> AsyncGenerator[AccountChanged, None]:
        customer = ids.decode_id("Account", str(id))
        await portal_access.account(info.context.scope, customer)  # not yours: not found, now
        async for event in events(info, topics.CUSTOMER, lambda e: e.customer_id == customer):
            yield AccountChanged(
                account_id=strawberry.ID(ids.encode_id("Account", customer)), reason=event.type
            )
