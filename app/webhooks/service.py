"""The staff face of webhooks: endpoints (create, change, rotate the secret, delete), the delivery log
and manual redelivery. Admin only (``webhooks.manage``), checked here so every entry point obeys it.

Another tenant's endpoint or delivery is "not found". Every change is audited (never with the secret).
A secret is returned once, by ``create`` and ``rotate``; after a rotation the old secret keeps signing,
beside the new one, for ``ROTATION_OVERLAP``, so receivers can switch without losing a delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require
from app.errors import Conflict, NotFound
from app.inputs.errors import invalid
from app.inputs.text import check_text
from app.jobs.enqueue import enqueue
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.models.webhook import EndpointState, WebhookDeliveryState
from app.scope import Scope
from app.webhooks import catalogue, events, repository, signing, urls

PERMISSION = "webhooks.manage"
ROTATION_OVERLAP = timedelta(hours=24)
MAX_EVENTS = len(catalogue.EVENT_TYPES)
MAX_ENDPOINTS = 20


@dataclass(frozen=True)
class EndpointChange:
    """What ``update`` changes; None leaves a field as it is."""

    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class DeliveryFilter:
    endpoint_id: int | None = None
    state: WebhookDeliveryState | None = None
    event_type: str | None = None
    since: datetime | None = None


def _event_types(raw: list[str]) -> list[str]:
    if not raw:
        raise invalid("events", "required", "choose at least one event type")
    if len(raw) > MAX_EVENTS:
        raise invalid("events", "too_many", f"at most {MAX_EVENTS} event types")
    unknown = [e for e in raw if not catalogue.is_known(e)]
    if unknown:
        raise invalid("events", "unknown_event_type", f"unknown event type {unknown[0][:60]!r}")
    return sorted(set(raw))


async def _url(raw: str) -> str:
    url = check_text(raw, "url", urls.MAX_URL_LENGTH, required=True)
    return (await urls.check(url, production=urls.production())).url


def event_types(scope: Scope) -> list[str]:
    require(scope, PERMISSION)
    return sorted(catalogue.EVENT_TYPES)


async def endpoints(scope: Scope) -> list[WebhookEndpoint]:
    require(scope, PERMISSION)
    return await repository.endpoints(scope)


async def endpoint(scope: Scope, endpoint_id: int) -> WebhookEndpoint:
    require(scope, PERMISSION)
    found = await repository.endpoint(scope, endpoint_id)
    if found is None:
        raise NotFound("webhook endpoint not found")
    return found


async def create(
    scope: Scope, url: str, event_types: list[str], description: str = "", origin: Origin = NO_ORIGIN
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown this once)."""
    require(scope, PERMISSION)
    checked_events = _event_types(event_types)
    text = check_text(description or "", "description", 500)
    checked_url = await _url(url)
    if len(await repository.endpoints(scope)) >= MAX_ENDPOINTS:
        raise Conflict(f"a tenant has at most {MAX_ENDPOINTS} webhook endpoints", code="too_many_endpoints")
    secret = signing.new_secret()
    now = clock.now()
    async with in_transaction():
        row = await repository.insert_endpoint(
            scope,
            url=checked_url,
            events=checked_events,
            description=text,
            secret=secret,
            created_at=now,
            updated_at=now,
        )
        await audit.record(
            scope,
            "webhook_endpoint.created",
            target_type="webhook_endpoint",
            target_id=row.id,
            details={"url": checked_url, "events": checked_events},
            origin=origin,
        )
    return row, secret


async def update(
    scope: Scope, endpoint_id: int, change: EndpointChange, origin: Origin = NO_ORIGIN
) -> WebhookEndpoint:
    row = await endpoint(scope, endpoint_id)
    before = {"url": row.url, "events": row.events, "description": row.description, "state": str(row.state)}
    fields = ["updated_at"]
    if change.events is not None:
        row.events = _event_types(change.events)
        fields.append("events")
    if change.description is not None:
        row.description = check_text(change.description, "description", 500)
        fields.append("description")
    if change.url is not None:
        row.url = await _url(change.url)
        fields.append("url")
    if change.enabled is not None:
        row.state = EndpointState.ENABLED if change.enabled else EndpointState.DISABLED
        row.disabled_reason = "" if change.enabled else f"disabled by {scope.principal}"[:300]
        if change.enabled:
            row.failing_since = None  # a fresh start: five more days before it is disabled again
        fields += ["state", "disabled_reason", "failing_since"]
    row.updated_at = clock.now()
    after = {"url": row.url, "events": row.events, "description": row.description, "state": str(row.state)}
    async with in_transaction():
        await repository.save(row, fields)
        await audit.record(
            scope,
            "webhook_endpoint.updated",
            target_type="webhook_endpoint",
            target_id=row.id,
            details={k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]},
            origin=origin,
        )
    return row


async def rotate_secret(
    scope: Scope, endpoint_id: int, origin: Origin = NO_ORIGIN
) -> tuple[WebhookEndpoint, str]:
    """A new secret (returned this once); the old one signs beside it for ``ROTATION_OVERLAP``. Rotating
    again during an overlap ends the older overlap: only the two newest secrets ever sign."""
    row = await endpoint(scope, endpoint_id)
    now = clock.now()
    secret = signing.new_secret()
    row.previous_secret, row.previous_secret_until = row.secret, now + ROTATION_OVERLAP
    row.secret, row.updated_at = secret, now
    async with in_transaction():
        await repository.save(row, ["secret", "previous_secret", "previous_secret_until", "updated_at"])
        await audit.record(
            scope,
            "webhook_endpoint.secret_rotated",
            target_type="webhook_endpoint",
            target_id=row.id,
            details={"old_secret_valid_until": row.previous_secret_until.isoformat()},
            origin=origin,
        )
    return row, secret


async def delete(scope: Scope, endpoint_id: int, origin: Origin = NO_ORIGIN) -> WebhookEndpoint:
    """Stop sending (pending deliveries end as failed when their try comes) and hide the endpoint; its
    rows stay for the audit trail."""
    row = await endpoint(scope, endpoint_id)
    now = clock.now()
    row.deleted_at, row.updated_at, row.state = now, now, EndpointState.DISABLED
    async with in_transaction():
        await repository.save(row, ["deleted_at", "updated_at", "state"])
        await audit.record(
            scope,
            "webhook_endpoint.deleted",
            target_type="webhook_endpoint",
            target_id=row.id,
            details={"url": row.url},
            origin=origin,
        )
    return row


async def deliveries(
    scope: Scope, wanted: DeliveryFilter, offset: int, limit: int
) -> tuple[list[WebhookDelivery], int]:
    require(scope, PERMISSION)
    return await repository.deliveries_page(
        scope,
        endpoint_id=wanted.endpoint_id,
        state=wanted.state,
        event_type=wanted.event_type,
        since=wanted.since,
        offset=offset,
        limit=limit,
    )


async def attempts(scope: Scope, delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    require(scope, PERMISSION)
    return await repository.attempts_of(scope, delivery_ids)


async def delivery(scope: Scope, delivery_id: int) -> WebhookDelivery:
    require(scope, PERMISSION)
    found = await repository.delivery(scope, delivery_id)
    if found is None:
        raise NotFound("webhook delivery not found")
    return found


async def redeliver(scope: Scope, delivery_id: int, origin: Origin = NO_ORIGIN) -> WebhookDelivery:
    """Send a delivery again, now, with the same ``webhook-id`` (receivers drop what they have seen) and
    a fresh retry schedule. A try still scheduled (a pending delivery) does nothing when its time comes:
    the redelivery took its attempt number."""
    row = await delivery(scope, delivery_id)
    if row.endpoint.state != EndpointState.ENABLED:
        raise Conflict("the endpoint is disabled: enable it first", code="endpoint_disabled")
    now = clock.now()
    number = row.attempts + 1
    row.state, row.schedule_from, row.next_attempt_at = WebhookDeliveryState.PENDING, number, now
    async with in_transaction():
        await repository.save(row, ["state", "schedule_from", "next_attempt_at"])
        await enqueue(
            scope, events.DELIVER, f"{row.id}:{number}:redeliver", {"delivery": row.id, "attempt": number}
        )
        await audit.record(
            scope,
            "webhook_delivery.redelivered",
            target_type="webhook_delivery",
            target_id=row.id,
            details={"attempt": number},
            origin=origin,
        )
    return row
