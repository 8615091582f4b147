"""Every query of the webhook tables, each starting from the caller's scope (app.db.scoping).

Endpoints of another tenant, deleted endpoints and their deliveries do not exist for a caller; the
delivery job works in its tenant's system scope like every job.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from app.db.scoping import joined, new_row, scoped
from app.models import (
    CreditNote,
    Invoice,
    Job,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.enums import InvoiceStatus, JobState
from app.models.webhook import EndpointState, WebhookDeliveryState
from app.scope import Scope


async def insert_endpoint(scope: Scope, **values: Any) -> WebhookEndpoint:
    row = new_row(WebhookEndpoint, scope, **values)
    await row.save()
    return row


async def endpoint(scope: Scope, endpoint_id: int) -> WebhookEndpoint | None:
    return await scoped(WebhookEndpoint, scope).get_or_none(id=endpoint_id, deleted_at=None)


async def endpoints(scope: Scope) -> list[WebhookEndpoint]:
    return list(await scoped(WebhookEndpoint, scope).filter(deleted_at=None).order_by("id"))


async def enabled_endpoints(scope: Scope) -> list[WebhookEndpoint]:
    """The endpoints that receive events now (few per tenant: their event lists are read in Python)."""
    query = scoped(WebhookEndpoint, scope).filter(deleted_at=None, state=EndpointState.ENABLED)
    return list(await query.order_by("id"))


async def save(row: WebhookEndpoint | WebhookDelivery, fields: list[str]) -> None:
    await row.save(update_fields=fields)


async def endpoint_for_job(scope: Scope, endpoint_id: int) -> WebhookEndpoint | None:
    """An endpoint as it is now, deleted or not (the delivery job re-reads it after its try)."""
    return await scoped(WebhookEndpoint, scope).get_or_none(id=endpoint_id)


async def mark_failing(scope: Scope, endpoint_id: int, now: datetime) -> None:
    """Start the endpoint's failure streak unless one runs (concurrent tries agree on its start)."""
    await scoped(WebhookEndpoint, scope).filter(id=endpoint_id, failing_since=None).update(failing_since=now)


async def clear_failing(scope: Scope, endpoint_id: int) -> None:
    await scoped(WebhookEndpoint, scope).filter(id=endpoint_id).update(failing_since=None)


async def disable(scope: Scope, endpoint_id: int, reason: str, now: datetime) -> bool:
    """Disable an enabled endpoint; False when another try (or an admin) did it first."""
    changed = (
        await scoped(WebhookEndpoint, scope)
        .filter(id=endpoint_id, state=EndpointState.ENABLED)
        .update(state=EndpointState.DISABLED, disabled_reason=reason[:300], updated_at=now)
    )
    return bool(changed)


async def insert_event(scope: Scope, **values: Any) -> WebhookEvent:
    row = new_row(WebhookEvent, scope, **values)
    await row.save()
    return row


async def insert_delivery(scope: Scope, **values: Any) -> WebhookDelivery:
    row = new_row(WebhookDelivery, scope, **values)
    await row.save()
    return row


def _deliveries(scope: Scope) -> QuerySet[WebhookDelivery]:
    """The tenant's deliveries, with their endpoint and event (joined on id) filtered by the tenant too:
    every table a statement names is (docs/scaling.md, "Queries")."""
    return scoped(WebhookDelivery, scope).filter(
        endpoint__tenant_id=scope.tenant_id, event__tenant_id=scope.tenant_id
    )


async def delivery(scope: Scope, delivery_id: int) -> WebhookDelivery | None:
    """A delivery of a live endpoint, with its endpoint and event loaded."""
    return await joined(
        _deliveries(scope).filter(id=delivery_id, endpoint__deleted_at=None), scope, "endpoint", "event"
    ).first()


async def delivery_for_job(scope: Scope, delivery_id: int) -> WebhookDelivery | None:
    """A delivery whatever became of its endpoint (the job must see that it was deleted)."""
    return await joined(_deliveries(scope).filter(id=delivery_id), scope, "endpoint", "event").first()


async def deliveries_page(
    scope: Scope,
    *,
    endpoint_id: int | None,
    state: WebhookDeliveryState | None,
    event_type: str | None,
    since: datetime | None,
    offset: int,
    limit: int,
) -> tuple[list[WebhookDelivery], int]:
    """Newest first, with the count of all that match."""
    query = _deliveries(scope).filter(endpoint__deleted_at=None)
    if endpoint_id is not None:
        query = query.filter(endpoint_id=endpoint_id)
    if state is not None:
        query = query.filter(state=state)
    if event_type:
        query = query.filter(event__type=event_type)
    if since is not None:
        query = query.filter(created_at__gte=since)
    total = await query.count()
    rows = await joined(query, scope, "event").order_by("-created_at", "-id").offset(offset).limit(limit)
    return list(rows), total


async def insert_attempt(scope: Scope, **values: Any) -> WebhookAttempt:
    row = new_row(WebhookAttempt, scope, **values)
    await row.save()
    return row


async def attempts_of(scope: Scope, delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    """Each delivery's attempts, in order, in one query (the delivery log's DataLoader)."""
    found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return found
    rows = await scoped(WebhookAttempt, scope).filter(delivery_id__in=delivery_ids).order_by("number", "id")
    for row in rows:
        found[row.delivery_id].append(row)
    return found


async def invoices(scope: Scope, ids: list[int]) -> list[Invoice]:
    """Invoices by id, as stored now (an import's events describe what it wrote)."""
    return list(await scoped(Invoice, scope).filter(id__in=ids).order_by("id")) if ids else []


async def credit_notes(scope: Scope, ids: list[int]) -> list[CreditNote]:
    return list(await scoped(CreditNote, scope).filter(id__in=ids).order_by("id")) if ids else []


async def wants(scope: Scope, event_type: str) -> bool:
    """Whether any enabled endpoint of the tenant subscribes to ``event_type`` (a cheap check before a
    job looks for what to announce)."""
    return any(event_type in (e.events or []) for e in await enabled_endpoints(scope))


async def fallen_overdue(scope: Scope, after: date, through: date) -> list[Invoice]:
    """Open invoices, with something still owed, due after ``after`` and on or before ``through``: those
    that became overdue in between (an invoice is overdue the day after its due date)."""
    return list(
        await scoped(Invoice, scope)
        .filter(status=InvoiceStatus.OPEN, due_date__gt=after, due_date__lte=through, total__gt=F("settled"))
        .order_by("due_date", "id")
    )


async def last_finished_period(scope: Scope, kind: str) -> str | None:
    """The ``period`` of the latest job of ``kind`` that succeeded (periods only move forward)."""
    row = await scoped(Job, scope).filter(kind=kind, state=JobState.SUCCEEDED).order_by("-id").first()
    return row.args.get("period") if row is not None else None
