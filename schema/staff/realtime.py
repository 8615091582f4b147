"""The staff schema's subscriptions (graphql-transport-ws on ``/graphql``; docs/realtime.md).

Each field streams the events of one topic that the subscriber's scope may see (schema.common.realtime)
and that its arguments select; each declares the permission the matching query needs, so a role that
cannot read payments cannot hear about them either.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from strawberry.types import Info

from app.customers import service
from app.customers.filters import CustomerFilter as DomainFilter
from app.realtime import events as topics
from app.realtime.events import Event
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.common.realtime import events
from schema.permissions import requires
from schema.staff.alerts import AlertSeverityEnum
from schema.staff.customers import Customer, customer_node
from schema.staff.support import SupportStatus


def _money(raw: dict | None) -> Money | None:
    return Money(amount=raw["amount"], currency_code=raw["currencyCode"]) if raw else None


@strawberry.type(description="A payment succeeded (recorded by staff, imported, or paid by card).")
class PaymentReceived:
    payment_id: strawberry.ID
    customer_id: strawberry.ID
    amount: Money
    method: str
    received_date: date | None
    reference: str | None
    version: str = strawberry.field(description="The payment's version (microseconds since 1970).")


@strawberry.type(
    description="A customer's balance changed: a payment, credit note, write-off, invoice or dispute."
)
class CustomerChanged:
    customer_id: strawberry.ID
    reason: str = strawberry.field(description="What changed it, as the webhook catalogue names it.")

    @strawberry.field(
        description="The customer as `customer(id)` answers now.", extensions=requires("ar.read")
    )
    async def customer(self, info: Info) -> Customer:
        ctx = info.context
        as_of = ctx.today()
        account = await service.get_customer(ctx.scope, decode_id("Customer", self.customer_id))
        items, _ = await service.list_customers(
            ctx.scope,
            ctx.tenant_config,
            as_of=as_of,
            flt=DomainFilter(customer_ids=frozenset({account.id})),
            limit=1,
        )
        return customer_node(items[0] if items else account, as_of, ctx.tenant_config.base_currency)


@strawberry.type(description="An alert was raised.")
class AlertRaised:
    alert_id: strawberry.ID
    customer_id: strawberry.ID | None
    rule: str
    severity: AlertSeverityEnum
    message: str
    amount: Money | None


@strawberry.input(description="Which raised alerts to hear about; unset fields do not restrict.")
class AlertRaisedFilter:
    severity: AlertSeverityEnum | None = None
    rule: str | None = None
    customer_id: strawberry.ID | None = None


@strawberry.type(
    description="A support request was created, answered, replied to, assigned, resolved or reopened."
)
class SupportRequestUpdated:
    request_id: strawberry.ID
    customer_id: strawberry.ID
    invoice_id: strawberry.ID | None
    subject: str
    status: SupportStatus
    change: str = strawberry.field(
        description="`support.request_created`, `support.request_answered`, or `support.request_updated` "
        "(a contact's reply, assigned, resolved, reopened)."
    )


@strawberry.input
class SupportRequestUpdatedFilter:
    customer_id: strawberry.ID | None = None
    status: SupportStatus | None = None


@strawberry.type(description="A background job ended: succeeded, or failed after its last try.")
class JobFinished:
    job_id: strawberry.ID
    kind: str
    state: str


def _customer_key(opaque: strawberry.ID | None) -> int | None:
    return decode_id("Customer", opaque) if opaque else None


@strawberry.type(name="Subscription")
class StaffSubscription:
    @strawberry.subscription(extensions=requires("ar.read"), description="Payments as they succeed.")
    async def payment_received(self, info: Info) -> AsyncGenerator[PaymentReceived, None]:
        async for event in events(info, topics.PAYMENT):
            d = event.data
            yield PaymentReceived(
                payment_id=d["id"],
                customer_id=d["customerId"],
                amount=_money(d["amount"]),
                method=d["method"],
                received_date=date.fromisoformat(d["receivedDate"]) if d.get("receivedDate") else None,
                reference=d.get("reference"),
                version=str(d.get("version", "")),
            )

    @strawberry.subscription(
        extensions=requires("ar.read"), description="Balance changes of one customer, or of every customer."
    )
    async def customer_changed(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[CustomerChanged, None]:
        wanted = _customer_key(id)
        async for event in events(info, topics.CUSTOMER, lambda e: wanted is None or e.customer_id == wanted):
            yield CustomerChanged(customer_id=_opaque(event), reason=event.type)

    @strawberry.subscription(extensions=requires("ar.read"), description="Alerts as they are raised.")
    async def alert_raised(
        self, info: Info, filter: AlertRaisedFilter | None = None
    ) -> AsyncGenerator[AlertRaised, None]:
        flt = filter or AlertRaisedFilter()
        customer = _customer_key(flt.customer_id)

        def wanted(e: Event) -> bool:
            return (
                (flt.severity is None or e.data.get("severity") == flt.severity.value)
                and (flt.rule is None or e.data.get("rule") == flt.rule)
                and (customer is None or e.customer_id == customer)
            )

        async for event in events(info, topics.ALERT, wanted):
            d = event.data
            yield AlertRaised(
                alert_id=d["id"],
                customer_id=d.get("customerId"),
                rule=d["rule"],
                severity=AlertSeverityEnum(d["severity"]),
                message=d.get("message") or "",
                amount=_money(d.get("amount")),
            )

    @strawberry.subscription(
        extensions=requires("support.manage"), description="Support requests as they are created or answered."
    )
    async def support_request_updated(
        self, info: Info, filter: SupportRequestUpdatedFilter | None = None
    ) -> AsyncGenerator[SupportRequestUpdated, None]:
        flt = filter or SupportRequestUpdatedFilter()
        customer = _customer_key(flt.customer_id)

        def wanted(e: Event) -> bool:
            return (customer is None or e.customer_id == customer) and (
                flt.status is None or e.data.get("status") == flt.status.value
            )

        async for event in events(info, topics.SUPPORT, wanted):
            d = event.data
            yield SupportRequestUpdated(
                request_id=d["id"],
                customer_id=d["customerId"],
                invoice_id=d.get("invoiceId"),
                subject=d.get("subject") or "",
                status=SupportStatus(d["status"]),
                change=event.type,
            )

    @strawberry.subscription(extensions=requires("jobs.manage"), description="Jobs as they end (admins).")
    async def job_finished(self, info: Info, kind: str | None = None) -> AsyncGenerator[JobFinished, None]:
        async for event in events(info, topics.JOB, lambda e: kind is None or e.data.get("kind") == kind):
            yield JobFinished(job_id=event.data["id"], kind=event.data["kind"], state=event.data["state"])


def _opaque(event: Event) -> str:
    return encode_id("Customer", event.customer_id)
