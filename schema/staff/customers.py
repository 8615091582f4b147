"""``customers`` (a Relay connection ordered by receivables figures), ``customer(id)`` and the
``Customer`` node they return.

Nested figures come from per-request DataLoaders keyed by customer and as-of date, so a page of 50
customers with balances, aging, utilisation and open invoices runs the same few queries as a page of 5
(balances and priority: ``schema.staff.customer_figures``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.alerts import service as alert_service
from app.alerts.repository import AlertFilter, AlertOrder
from app.collections import status as dunning_status
from app.collections import timeline as customer_timeline
from app.credit import holds
from app.customers import behaviour, related, service
from app.customers.filters import CustomerFilter as DomainFilter
from app.customers.service import CustomerListItem, PriorityParts
from app.documents.urls import statement_pdf_url
from app.invoices import service as invoice_service
from app.models import CustomerAccount
from app.payments import service as payment_service
from app.receivables.repository import CustomerOrder
from schema.common import nodes
from schema.common.connections import Connection, bounded_first, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.permissions import requires
from schema.staff.alerts import AlertNode, alert_node
from schema.staff.collection_work import TimelineEntryNode, timeline_node
from schema.staff.credit_holds import CreditHoldNode, hold_node
from schema.staff.customer_detail import (
    CreditReviewNode,
    DisputeNode,
    IntercompanyBalanceNode,
    KycReviewNode,
    LetterOfCreditNode,
    PaymentBehaviourNode,
    PaymentNode,
    ProfitabilityNode,
    PromiseToPayNode,
    behaviour_node,
    credit_review_node,
    dispute_node,
    intercompany_node,
    kyc_review_node,
    letter_of_credit_node,
    payment_node,
    profitability_node,
    promise_node,
)
from schema.staff.customer_figures import (
    CustomerBalanceFigures,
    PriorityScore,
    balance_figures,
    balances_loader,
    priority_loader,
    priority_score,
)
from schema.staff.dunning import DunningStatusNode, status_node
from schema.staff.filters import CustomerFilter, KycStatusEnum, RiskRatingEnum, domain_filter
from schema.staff.invoices import Invoice, invoice_node

CustomerOrderBy = strawberry.enum(
    CustomerOrder,
    name="CustomerOrderBy",
    description="How to order customers; figures largest first, name A-Z.",
)


@strawberry.input(description="CustomerFilter plus conditions on a customer's own figures.")
class CustomerListFilter(CustomerFilter):
    has_overdue: bool | None = None
    over_limit: bool | None = None


def open_invoices_loader(info: Info, as_of: date, first: int):
    """OpenInvoicesByCustomerLoader: the ``first`` oldest-due open invoices per customer, batched."""
    return batch_loader(
        info,
        f"OpenInvoicesByCustomerLoader:{as_of}:{first}",
        lambda ids: service.open_invoices_for(info.context.scope, ids, as_of, first),
        default=[],
    )


MAX_OPEN_INVOICES = 20


@strawberry.type(description="A customer account and its receivables as of the date asked.")
class Customer:
    id: strawberry.ID
    account_number: str
    name: str
    region: str
    segment: str
    country: str
    currency: str
    risk_rating: RiskRatingEnum
    kyc_status: KycStatusEnum
    kyc_next_review: date | None
    credit_next_review: date | None = strawberry.field(
        description="When the periodic credit review falls due (by rating); null: not scheduled yet."
    )
    onboarding_status: str
    sales_owner: str
    payment_terms_days: int
    as_of: date
    _account: strawberry.Private[CustomerAccount]
    # The priority when the list that produced this node computed it; otherwise loaded on demand.
    _priority_parts: strawberry.Private[PriorityParts | None] = None

    @strawberry.field(
        extensions=requires("ar.read"),
        description="The collection priority score and its parts, as of the date asked.",
    )
    async def priority(self, info: Info) -> PriorityScore | None:
        parts = self._priority_parts or await priority_loader(info, self.as_of).load(self._account.id)
        return priority_score(parts, info.context.tenant_config.base_currency) if parts else None

    @strawberry.field(
        extensions=requires("ar.read"),
        description="Where to download this customer's statement PDF: an activity statement for a period "
        "(from .. to, default the month to date) or an open-item statement as of a date.",
    )
    def statement_pdf_url(
        self,
        kind: str = "activity",
        period_from: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        currency: str | None = None,
    ) -> str:
        return statement_pdf_url(
            self._account.id, kind=kind, period_from=period_from, period_to=to, currency=currency
        )

    @strawberry.field(extensions=requires("ar.read"), description="Balances, aging, exposure, utilisation.")
    async def balances(self, info: Info) -> CustomerBalanceFigures:
        found = await balances_loader(info, self.as_of).load(self._account)
        return balance_figures(found)

    @strawberry.field(extensions=requires("ar.read"), description="Oldest-due open invoices (max 20).")
    async def open_invoices(self, info: Info, first: int = 5) -> list[Invoice]:
        first = bounded_first(first, MAX_OPEN_INVOICES)
        items = await open_invoices_loader(info, self.as_of, first).load(self._account.id)
        return [invoice_node(i, self.as_of) for i in items]

    def _related(self, info: Info, name: str, fetch):
        """A batched one-to-many relation of the customer (``<Thing>ByCustomerLoader``)."""
        return batch_loader(info, f"{name}ByCustomerLoader", lambda ids: fetch(info.context.scope, ids), [])

    @strawberry.field(extensions=requires("credit.read"), description="Newest first.")
    async def credit_reviews(self, info: Info) -> list[CreditReviewNode]:
        rows = await self._related(info, "CreditReviews", related.credit_reviews).load(self._account.id)
        return [credit_review_node(r, info.context.tenant_config.base_currency) for r in rows]

    @strawberry.field(
        extensions=requires("credit.read"),
        description="Credit holds in force (all of them, released too, with includeReleased), newest first.",
    )
    async def credit_holds(self, info: Info, include_released: bool = False) -> list[CreditHoldNode]:
        def fetch(scope, ids):
            return holds.holds_of(scope, ids, active_only=not include_released)

        name = "CreditHoldsWithReleased" if include_released else "CreditHolds"
        rows = await self._related(info, name, fetch).load(self._account.id)
        return [hold_node(r) for r in rows]

    @strawberry.field(
        extensions=requires("credit.read"), description="True while any credit hold is in force."
    )
    async def on_credit_hold(self, info: Info) -> bool:
        return bool(
            await self._related(info, "CreditHolds", lambda scope, ids: holds.holds_of(scope, ids)).load(
                self._account.id
            )
        )

    @strawberry.field(extensions=requires("credit.read"))
    async def kyc_reviews(self, info: Info) -> list[KycReviewNode]:
        rows = await self._related(info, "KycReviews", related.kyc_reviews).load(self._account.id)
        return [kyc_review_node(r) for r in rows]

    @strawberry.field(extensions=requires("credit.read"), description="Letters of credit and guarantees.")
    async def letters_of_credit(self, info: Info) -> list[LetterOfCreditNode]:
        rows = await self._related(info, "LettersOfCredit", related.letters_of_credit).load(self._account.id)
        return [letter_of_credit_node(r) for r in rows]

    @strawberry.field(extensions=requires("ar.read"))
    async def intercompany_balances(self, info: Info) -> list[IntercompanyBalanceNode]:
        rows = await self._related(info, "IntercompanyBalances", related.intercompany_balances).load(
            self._account.id
        )
        return [intercompany_node(r) for r in rows]

    @strawberry.field(extensions=requires("ar.read"), description="Open disputes and deductions.")
    async def open_disputes(self, info: Info) -> list[DisputeNode]:
        rows = await self._related(info, "OpenDisputes", related.open_disputes).load(self._account.id)
        return [dispute_node(r) for r in rows]

    @strawberry.field(
        extensions=requires("ar.read"),
        description="Invoices, payments, dunning messages, activities, promises and disputes, newest first.",
    )
    async def timeline(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TimelineEntryNode]:
        page = page_of(first, after, info.context.settings.max_page_size)
        rows, total = await customer_timeline.timeline(
            info.context.scope, self._account.id, page.offset, page.limit
        )
        return connection_of(rows, page, total, timeline_node)

    @strawberry.field(extensions=requires("ar.read"), description="Where the customer stands in dunning.")
    async def dunning(self, info: Info) -> DunningStatusNode:
        ctx, as_of = info.context, self.as_of
        loader = batch_loader(
            info,
            f"DunningStatusByCustomerLoader:{as_of}",
            lambda ids: dunning_status.statuses(ctx.scope, ctx.tenant_config, ids, as_of),
        )
        return status_node(await loader.load(self._account.id))

    @strawberry.field(extensions=requires("ar.read"), description="Promises to pay, newest first.")
    async def promises_to_pay(self, info: Info) -> list[PromiseToPayNode]:
        rows = await self._related(info, "Promises", related.promises).load(self._account.id)
        return [promise_node(r) for r in rows]

    @strawberry.field(extensions=requires("ar.read"), description="ADP, days late, on-time rate (12 months).")
    async def payment_behaviour(self, info: Info) -> PaymentBehaviourNode:
        def loader(as_of: date):
            return batch_loader(
                info,
                f"PaymentBehaviourByCustomerLoader:{as_of}",
                lambda ids: behaviour.payment_behaviour_for(info.context.scope, ids, as_of),
            )

        year_before = self.as_of - timedelta(days=behaviour.BEHAVIOUR_WINDOW_DAYS)
        now = await loader(self.as_of).load(self._account.id)
        return behaviour_node(now, await loader(year_before).load(self._account.id))

    @strawberry.field(extensions=requires("ar.read"), description="Revenue, margin and growth (12 months).")
    async def profitability(self, info: Info) -> ProfitabilityNode:
        ctx, as_of = info.context, self.as_of
        loader = batch_loader(
            info,
            f"ProfitabilityByCustomerLoader:{as_of}",
            lambda ids: behaviour.profitability_for(ctx.scope, ctx.tenant_config, ids, as_of),
        )
        return profitability_node(await loader.load(self._account.id), ctx.tenant_config.base_currency)

    @strawberry.field(extensions=requires("ar.read"), description="The customer's invoices as of the date.")
    async def invoices(
        self, info: Info, first: int | None = None, after: str | None = None, open_only: bool = False
    ) -> Connection[Invoice]:
        page = page_of(first, after, info.context.settings.max_page_size)
        items, total = await invoice_service.list_invoices(
            info.context.scope,
            as_of=self.as_of,
            flt=DomainFilter(customer_ids=frozenset({self._account.id})),
            offset=page.offset,
            limit=page.limit,
            open_only=open_only,
        )
        return connection_of(items, page, total, lambda item: invoice_node(item, self.as_of))

    @strawberry.field(extensions=requires("ar.read"), description="Payments received, newest first.")
    async def payments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PaymentNode]:
        page = page_of(first, after, info.context.settings.max_page_size)
        rows, total = await payment_service.customer_payments(
            info.context.scope, self._account.id, self.as_of, page.offset, page.limit
        )
        return connection_of(rows, page, total, payment_node)

    @strawberry.field(extensions=requires("ar.read"), description="The customer's alerts, newest first.")
    async def alerts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AlertNode]:
        page = page_of(first, after, info.context.settings.max_page_size)
        rows, total = await alert_service.list_alerts(
            info.context.scope,
            AlertFilter(customer_id=self._account.id),
            AlertOrder.NEWEST,
            offset=page.offset,
            limit=page.limit,
        )
        return connection_of(rows, page, total, alert_node)


@nodes.provides("Customer")
def customer_node(item: CustomerListItem | CustomerAccount, as_of: date, base: str) -> Customer:
    account = item.customer if isinstance(item, CustomerListItem) else item
    return Customer(
        id=strawberry.ID(encode_id("Customer", account.id)),
        account_number=account.account_number,
        name=account.legal_name,
        region=account.region,
        segment=account.segment,
        country=account.country,
        currency=account.currency,
        risk_rating=RiskRatingEnum(account.risk_rating),
        kyc_status=KycStatusEnum(account.kyc_status),
        kyc_next_review=account.kyc_next_review,
        credit_next_review=account.credit_next_review,
        onboarding_status=str(account.onboarding_status),
        sales_owner=account.sales_owner,
        payment_terms_days=account.payment_terms_days,
        as_of=as_of,
        _account=account,
        _priority_parts=item.priority if isinstance(item, CustomerListItem) else None,
    )


@strawberry.type
class CustomersQuery:
    @strawberry.field(
        extensions=requires("ar.read"), description="Customers, filtered and ordered by figures."
    )
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        as_of: date | None = None,
        filter: CustomerListFilter | None = None,
        order_by: CustomerOrderBy = CustomerOrder.NAME,
    ) -> Connection[Customer]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        as_of = as_of or ctx.today()
        items, total = await service.list_customers(
            ctx.scope,
            ctx.tenant_config,
            as_of=as_of,
            flt=domain_filter(filter),
            order=order_by,
            offset=page.offset,
            limit=page.limit,
            has_overdue=filter.has_overdue if filter else None,
            over_limit=filter.over_limit if filter else None,
            with_priority=False,
        )
        base = ctx.tenant_config.base_currency
        return connection_of(items, page, total, lambda item: customer_node(item, as_of, base))

    @strawberry.field(extensions=requires("ar.read"), description="One customer (the customer 360).")
    async def customer(self, info: Info, id: strawberry.ID, as_of: date | None = None) -> Customer:
        ctx = info.context
        as_of = as_of or ctx.today()
        account = await service.get_customer(ctx.scope, decode_id("Customer", id))
        items, _ = await service.list_customers(
            ctx.scope,
            ctx.tenant_config,
            as_of=as_of,
            flt=DomainFilter(customer_ids=frozenset({account.id})),
            limit=1,
        )
        return customer_node(items[0] if items else account, as_of, ctx.tenant_config.base_currency)
