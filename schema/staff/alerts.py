"""``alerts`` plus the ``acknowledgeAlert`` / ``resolveAlert`` mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.alerts import service
from app.errors import LedgerportError
from app.models import Alert
from app.models.enums import AlertSeverity, AlertStatus
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires

AlertStatusEnum = strawberry.enum(AlertStatus, name="AlertStatus")
AlertSeverityEnum = strawberry.enum(AlertSeverity, name="AlertSeverity")


@strawberry.type(description="An alert raised by a rule; dedupeKey makes re-evaluation idempotent.")
class AlertNode:
    id: strawberry.ID
    rule: str
    severity: AlertSeverityEnum
    status: AlertStatusEnum
    message: str
    customer_id: strawberry.ID | None
    invoice_id: strawberry.ID | None
    created_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None


def alert_node(a: Alert) -> AlertNode:
    return AlertNode(
        id=strawberry.ID(encode_id("Alert", a.id)),
        rule=a.rule,
        severity=AlertSeverityEnum(a.severity),
        status=AlertStatusEnum(a.status),
        message=a.message,
        customer_id=strawberry.ID(encode_id("Customer", a.customer_id)) if a.customer_id else None,
        invoice_id=strawberry.ID(encode_id("Invoice", a.invoice_id)) if a.invoice_id else None,
        created_at=a.created_at,
        acknowledged_by=a.acknowledged_by,
        acknowledged_at=a.acknowledged_at,
        resolved_by=a.resolved_by,
        resolved_at=a.resolved_at,
    )


@strawberry.input
class AlertFilter:
    status: AlertStatusEnum | None = None
    rule: str | None = None
    customer_id: strawberry.ID | None = None


@strawberry.input
class AlertActionInput:
    id: strawberry.ID


@strawberry.type
class AlertPayload:
    alert: AlertNode | None
    user_errors: list[UserError]


@strawberry.type
class AlertsQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Alerts, newest first.")
    async def alerts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AlertFilter | None = None,
    ) -> Connection[AlertNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        rows, total = await service.list_alerts(
            ctx.scope,
            offset=page.offset,
            limit=page.limit,
            status=AlertStatus(filter.status.value) if filter and filter.status else None,
            rule=filter.rule if filter else None,
            customer_id=decode_id("Customer", filter.customer_id) if filter and filter.customer_id else None,
        )
        return connection_of(rows, page, total, alert_node)


async def _act(info: Info, input: AlertActionInput, action) -> AlertPayload:
    try:
        alert = await action(info.context.scope, decode_id("Alert", input.id))
    except LedgerportError as exc:
        if exc.field is None:
            exc.field = "id"
        return AlertPayload(alert=None, user_errors=user_errors_from(exc))
    return AlertPayload(alert=alert_node(alert), user_errors=[])


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(extensions=requires("alerts.manage"), description="Mark an alert as being handled.")
    async def acknowledge_alert(self, info: Info, input: AlertActionInput) -> AlertPayload:
        return await _act(info, input, service.acknowledge)

    @strawberry.mutation(extensions=requires("alerts.manage"), description="Close an alert.")
    async def resolve_alert(self, info: Info, input: AlertActionInput) -> AlertPayload:
        return await _act(info, input, service.resolve)
