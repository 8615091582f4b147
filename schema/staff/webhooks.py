"""Outbound webhooks (admin, ``webhooks.manage``): endpoints, the delivery log, redelivery
(docs/webhooks.md).

A signing secret leaves the server twice only: in the payload of ``createWebhookEndpoint`` and of
``rotateWebhookSecret``; ``WebhookEndpoint`` never shows it. Another tenant's endpoint or delivery is
"not found" like any other object.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.errors import LedgerportError
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.models.webhook import EndpointState, WebhookDeliveryState
from app.webhooks import service
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, act_on_id, user_errors_from
from schema.permissions import requires

PERMISSION = service.PERMISSION
EndpointStateEnum = strawberry.enum(EndpointState, name="WebhookEndpointState")
DeliveryStateEnum = strawberry.enum(WebhookDeliveryState, name="WebhookDeliveryState")


@strawberry.type(description="Where the tenant's events are sent, and which ones.")
class WebhookEndpointNode:
    id: strawberry.ID
    url: str
    description: str
    events: list[str]
    state: EndpointStateEnum
    disabled_reason: str | None
    failing_since: datetime | None = strawberry.field(
        description="The first failed try since the last success; after 5 days the endpoint is disabled."
    )
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation: until then the old secret signs too (a second v1 signature)."
    )
    created_at: datetime
    updated_at: datetime


def endpoint_node(row: WebhookEndpoint) -> WebhookEndpointNode:
    return WebhookEndpointNode(
        id=encode_id("WebhookEndpoint", row.id),
        url=row.url,
        description=row.description,
        events=list(row.events or []),
        state=EndpointStateEnum(row.state),
        disabled_reason=row.disabled_reason or None,
        failing_since=row.failing_since,
        previous_secret_valid_until=row.previous_secret_until if row.previous_secret else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@strawberry.type(description="One try of a delivery: what the receiver answered, and how fast.")
class WebhookAttemptNode:
    number: int
    started_at: datetime
    status_code: int | None = strawberry.field(description="None when no answer came (timeout, refused).")
    latency_ms: int
    response_body: str = strawberry.field(description="The first kilobyte of the answer.")
    error: str | None
    succeeded: bool


def attempt_node(row: WebhookAttempt) -> WebhookAttemptNode:
    return WebhookAttemptNode(
        number=row.number,
        started_at=row.started_at,
        status_code=row.status_code,
        latency_ms=row.latency_ms,
        response_body=row.response_body,
        error=row.error or None,
        succeeded=row.succeeded,
    )


@strawberry.type(description="One event on its way to one endpoint, with every try.")
class WebhookDeliveryNode:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    message_id: str = strawberry.field(description="The webhook-id header: the same on every try.")
    event_type: str
    payload: str = strawberry.field(description="The JSON body sent, exactly as signed.")
    state: DeliveryStateEnum
    attempt_count: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    pk: strawberry.Private[int]

    @strawberry.field(description="Every try, oldest first.")
    async def attempts(self, info: Info) -> list[WebhookAttemptNode]:
        loader = batch_loader(
            info,
            "WebhookAttemptsByDeliveryLoader",
            lambda ids: service.attempts(info.context.scope, ids),
            default=[],
        )
        return [attempt_node(a) for a in await loader.load(self.pk)]


def delivery_node(row: WebhookDelivery) -> WebhookDeliveryNode:
    return WebhookDeliveryNode(
        id=encode_id("WebhookDelivery", row.id),
        endpoint_id=encode_id("WebhookEndpoint", row.endpoint_id),
        message_id=row.event.message_id,
        event_type=row.event.type,
        payload=row.event.body,
        state=DeliveryStateEnum(row.state),
        attempt_count=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error or None,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        pk=row.id,
    )


@strawberry.input(description="Which deliveries to list; unset fields do not restrict.")
class WebhookDeliveryFilter:
    endpoint_id: strawberry.ID | None = None
    state: DeliveryStateEnum | None = None
    event_type: str | None = None
    since: datetime | None = strawberry.field(default=None, description="Created at or after.")


@strawberry.type(description="A page of deliveries, newest first.")
class WebhookDeliveryConnection(Connection[WebhookDeliveryNode]):
    pass


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    events: list[str]
    description: str = ""


@strawberry.input(description="Unset fields stay as they are.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None, description="False stops deliveries; true starts them again (and a fresh 5 days)."
    )


@strawberry.input
class WebhookEndpointIdInput:
    id: strawberry.ID


@strawberry.input
class RedeliverWebhookInput:
    id: strawberry.ID = strawberry.field(description="A WebhookDelivery id.")


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpointNode | None = None
    secret: str | None = strawberry.field(
        default=None, description="The signing secret (whsec_...): only in this answer, never again."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhooksQuery:
    @strawberry.field(extensions=requires(PERMISSION), description="The tenant's webhook endpoints.")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpointNode]:
        return [endpoint_node(row) for row in await service.endpoints(info.context.scope)]

    @strawberry.field(
        extensions=requires(PERMISSION), description="The event types an endpoint may subscribe to."
    )
    async def webhook_event_types(self, info: Info) -> list[str]:
        return service.event_types(info.context.scope)

    @strawberry.field(extensions=requires(PERMISSION), description="The delivery log, newest first.")
    async def webhook_deliveries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: WebhookDeliveryFilter | None = None,
    ) -> WebhookDeliveryConnection:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        wanted = service.DeliveryFilter(
            endpoint_id=decode_id("WebhookEndpoint", filter.endpoint_id)
            if filter and filter.endpoint_id
            else None,
            state=WebhookDeliveryState(filter.state) if filter and filter.state else None,
            event_type=filter.event_type if filter else None,
            since=filter.since if filter else None,
        )
        rows, total = await service.deliveries(ctx.scope, wanted, page.offset, page.limit)
        c = connection_of(rows, page, total, delivery_node)
        return WebhookDeliveryConnection(edges=c.edges, page_info=c.page_info, total_count=c.total_count)


async def _on_endpoint(info: Info, raw_id: strawberry.ID, action) -> WebhookEndpointPayload:
    ctx = info.context
    result, errors = await act_on_id(
        ctx.scope, "WebhookEndpoint", raw_id, lambda s, i: action(s, i, ctx.origin)
    )
    if result is None:
        return WebhookEndpointPayload(user_errors=errors)
    row, secret = result if isinstance(result, tuple) else (result, None)
    return WebhookEndpointPayload(endpoint=endpoint_node(row), secret=secret)


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        extensions=requires(PERMISSION), description="Register an endpoint; its secret is in the answer."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        ctx = info.context
        try:
            row, secret = await service.create(
                ctx.scope, input.url, input.events, input.description, ctx.origin
            )
        except LedgerportError as exc:
            return WebhookEndpointPayload(user_errors=user_errors_from(exc))
        return WebhookEndpointPayload(endpoint=endpoint_node(row), secret=secret)

    @strawberry.mutation(
        extensions=requires(PERMISSION), description="Change an endpoint's URL, events or state."
    )
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        change = service.EndpointChange(
            url=input.url, events=input.events, description=input.description, enabled=input.enabled
        )
        return await _on_endpoint(info, input.id, lambda s, i, o: service.update(s, i, change, o))

    @strawberry.mutation(
        extensions=requires(PERMISSION),
        description="A new signing secret; the old one keeps signing beside it for 24 hours.",
    )
    async def rotate_webhook_secret(
        self, info: Info, input: WebhookEndpointIdInput
    ) -> WebhookEndpointPayload:
        return await _on_endpoint(info, input.id, service.rotate_secret)

    @strawberry.mutation(
        extensions=requires(PERMISSION), description="Stop sending to an endpoint and remove it."
    )
    async def delete_webhook_endpoint(
        self, info: Info, input: WebhookEndpointIdInput
    ) -> WebhookEndpointPayload:
        return await _on_endpoint(info, input.id, service.delete)

    @strawberry.mutation(
        extensions=requires(PERMISSION),
        description="Send a delivery again now (same webhook-id), with a fresh retry schedule.",
    )
    async def redeliver_webhook(self, info: Info, input: RedeliverWebhookInput) -> WebhookDeliveryPayload:
        ctx = info.context
        row, errors = await act_on_id(
            ctx.scope, "WebhookDelivery", input.id, lambda s, i: service.redeliver(s, i, ctx.origin)
        )
        return WebhookDeliveryPayload(delivery=delivery_node(row) if row else None, user_errors=errors)
