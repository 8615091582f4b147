"""``alerts`` (filtered, ordered, with totals per rule) and what staff do with one: ``acknowledgeAlert``,
``snoozeAlert``, ``resolveAlert`` (docs/alerts.md).

A page's alerts come with their customers from the list's own statement (no query per row); each
alert's history comes from ``AlertEventsByAlertLoader``, one query per page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.alerts import service
from app.alerts.repository import AlertFilter as DomainFilter
from app.alerts.repository import AlertOrder
from app.customers import service as customers
from app.models import Alert, AlertEvent, CustomerAccount
from app.models.enums import AlertSeverity, AlertStatus
from schema.common import nodes
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, act_on_id
from schema.permissions import requires

AlertStatusEnum = strawberry.enum(AlertStatus, name="AlertStatus")
AlertSeverityEnum = strawberry.enum(AlertSeverity, name="AlertSeverity")
AlertOrderBy = strawberry.enum(
    AlertOrder,
    name="AlertOrderBy",
    description="How to order alerts: SEVERITY (critical first, then oldest), NEWEST, CUSTOMER (name A-Z), "
    "OWNER (sales owner A-Z), RULE (A-Z), AMOUNT (largest first), DAYS_OVERDUE (oldest first).",
)


@strawberry.type(description="An alert's figures and status at one moment of its history.")
class AlertFigures:
    status: AlertStatusEnum
    severity: AlertSeverityEnum
    level: int
    amount: Money | None
    items: int
    due_on: date | None


def _figures(raw: dict[str, Any], base: str) -> AlertFigures:
    return AlertFigures(
        status=AlertStatusEnum(raw["status"]),
        severity=AlertSeverityEnum(raw["severity"]),
        level=raw["level"],
        amount=None if raw.get("amount") is None else Money.of(raw["amount"], base),
        items=raw["items"],
        due_on=date.fromisoformat(raw["due_on"]) if raw.get("due_on") else None,
    )


@strawberry.type(description="One change of an alert (escalated, eased, reopened, woken, acknowledged, ...).")
class AlertChange:
    kind: str
    at: datetime
    by: str
    note: str
    before: AlertFigures
    after: AlertFigures


@strawberry.type(description="An alert: one per customer and rule while it is not resolved.")
class AlertNode:
    id: strawberry.ID
    rule: str
    severity: AlertSeverityEnum
    status: AlertStatusEnum
    message: str
    customer_id: strawberry.ID | None
    invoice_id: strawberry.ID | None
    level: int = strawberry.field(description="The rule's stage (invoice_overdue: threshold passed).")
    amount: Money | None = strawberry.field(description="In the base currency; null for rules without one.")
    items: int = strawberry.field(description="Invoices, disputes, letters, promises or payments affected.")
    due_on: date | None = strawberry.field(description="The oldest item's due date (or SLA, review, expiry).")
    created_at: datetime
    escalated_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    snoozed_until: date | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None
    _alert: strawberry.Private[Alert]

    @strawberry.field(description="Today (the tenant's) - dueOn; negative: days left.")
    def days_overdue(self, info: Info) -> int | None:
        return None if self.due_on is None else (info.context.today() - self.due_on).days

    @strawberry.field(extensions=requires("ar.read"))
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("schema.staff.customers")] | None:  # noqa: F821
        a = self._alert
        if a.customer_id is None:
            return None
        account = a.customer if isinstance(a.customer, CustomerAccount) else None  # fetched with the page
        if account is None:
            account = await customers.get_customer(info.context.scope, a.customer_id)
        ctx = info.context
        return nodes.build("Customer", account, ctx.today(), ctx.tenant_config.base_currency)

    @strawberry.field(extensions=requires("ar.read"), description="Every change, oldest first.")
    async def history(self, info: Info) -> list[AlertChange]:
        scope = info.context.scope
        loader = batch_loader(info, "AlertEventsByAlertLoader", lambda ids: service.history(scope, ids), [])
        events: list[AlertEvent] = await loader.load(self._alert.id)
        base = info.context.tenant_config.base_currency
        return [
            AlertChange(
                kind=e.kind,
                at=e.at,
                by=e.by,
                note=e.note,
                before=_figures(e.before, base),
                after=_figures(e.after, base),
            )
            for e in events
        ]


def _id(kind: str, value: int | None) -> strawberry.ID | None:
    return strawberry.ID(encode_id(kind, value)) if value else None


def alert_node(a: Alert) -> AlertNode:
    return AlertNode(
        id=strawberry.ID(encode_id("Alert", a.id)),
        rule=a.rule,
        severity=AlertSeverityEnum(a.severity),
        status=AlertStatusEnum(a.status),
        message=a.message,
        customer_id=_id("Customer", a.customer_id),
        invoice_id=_id("Invoice", a.invoice_id),
        level=a.level,
        amount=Money.of(a.amount, a.currency) if a.amount is not None and a.currency else None,
        items=a.items,
        due_on=a.due_on,
        created_at=a.created_at,
        escalated_at=a.escalated_at,
        acknowledged_by=a.acknowledged_by,
        acknowledged_at=a.acknowledged_at,
        snoozed_until=a.snoozed_until,
        resolved_by=a.resolved_by,
        resolved_at=a.resolved_at,
        resolution_note=a.resolution_note,
        _alert=a,
    )


@strawberry.input(description="Which alerts to list; unset fields do not restrict.")
class AlertFilter:
    status: AlertStatusEnum | None = None
    unresolved: bool | None = strawberry.field(default=None, description="true: open, acknowledged, snoozed.")
    severity: AlertSeverityEnum | None = None
    rule: str | None = None
    customer_id: strawberry.ID | None = None
    owner: str | None = strawberry.field(default=None, description="The customer's sales owner.")

    def to_domain(self) -> DomainFilter:
        return DomainFilter(
            status=AlertStatus(self.status.value) if self.status else None,
            unresolved=self.unresolved,
            severity=AlertSeverity(self.severity.value) if self.severity else None,
            rule=self.rule,
            customer_id=decode_id("Customer", self.customer_id) if self.customer_id else None,
            owner=self.owner,
        )


@strawberry.type(description="How many alerts of a rule the list covers, and their amount.")
class AlertRuleTotal:
    rule: str
    count: int
    amount: Money | None = strawberry.field(description="In the base currency; null for rules without one.")


@strawberry.type(description="A page of alerts, with totals per rule over everything the filter covers.")
class AlertConnection(Connection[AlertNode]):
    _filter: strawberry.Private[DomainFilter]

    @strawberry.field(extensions=requires("ar.read"))
    async def totals_by_rule(self, info: Info) -> list[AlertRuleTotal]:
        rows = await service.totals_by_rule(info.context.scope, self._filter)
        base = info.context.tenant_config.base_currency
        return [
            AlertRuleTotal(
                rule=r["rule"],
                count=r["count"],
                amount=None if r["amount"] is None else Money.of(r["amount"], r["currency"] or base),
            )
            for r in rows
        ]


@strawberry.input
class AlertActionInput:
    id: strawberry.ID


@strawberry.input
class SnoozeAlertInput:
    id: strawberry.ID
    until: date = strawberry.field(description="The tenant's date it wakes up on (after today).")


@strawberry.input
class ResolveAlertInput:
    id: strawberry.ID
    note: str | None = strawberry.field(default=None, description="Why; kept with the alert.")


@strawberry.type
class AlertPayload:
    alert: AlertNode | None
    user_errors: list[UserError]


@strawberry.type
class AlertsQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Alerts, most severe first by default.")
    async def alerts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AlertFilter | None = None,
        order_by: AlertOrderBy = AlertOrder.SEVERITY,
    ) -> AlertConnection:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        flt = filter.to_domain() if filter else DomainFilter()
        rows, total = await service.list_alerts(
            ctx.scope, flt, AlertOrder(order_by), offset=page.offset, limit=page.limit
        )
        c = connection_of(rows, page, total, alert_node)
        return AlertConnection(edges=c.edges, page_info=c.page_info, total_count=c.total_count, _filter=flt)


async def _act(info: Info, input_id: strawberry.ID, action) -> AlertPayload:
    alert, errors = await act_on_id(info.context.scope, "Alert", input_id, action)
    return AlertPayload(alert=alert_node(alert) if alert is not None else None, user_errors=errors)


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(extensions=requires("alerts.manage"), description="Mark an alert as being handled.")
    async def acknowledge_alert(self, info: Info, input: AlertActionInput) -> AlertPayload:
        return await _act(info, input.id, service.acknowledge)

    @strawberry.mutation(
        extensions=requires("alerts.manage"),
        description="Park an alert until a date; it wakes up then, or earlier if its severity rises.",
    )
    async def snooze_alert(self, info: Info, input: SnoozeAlertInput) -> AlertPayload:
        today = info.context.today()
        return await _act(info, input.id, lambda scope, i: service.snooze(scope, i, input.until, today))

    @strawberry.mutation(
        extensions=requires("alerts.manage"),
        description="Close an alert; while its condition still holds no new one opens unless it worsens.",
    )
    async def resolve_alert(self, info: Info, input: ResolveAlertInput) -> AlertPayload:
        return await _act(info, input.id, lambda scope, i: service.resolve(scope, i, input.note))
