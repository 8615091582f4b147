"""The ``webhooks.deliver`` job: one try of one delivery, logged, and the next try scheduled.

Each try is its own job (key ``<delivery>:<attempt>``), queued by the try before it at the time the
retry schedule says, so a delivery's retries span more than three days whatever the job engine's own
backoff is (that backoff only covers a crash of our side: a database error mid-try). A try that finds
its delivery delivered, or its attempt recorded already (a job run twice after a crash), does nothing.

Every try is logged with status, latency and the first kilobyte of the answer. A 2xx delivers; anything
else (3xx included: redirects are not followed), a timeout or a refused address is a failure. An
endpoint whose tries have all failed for ``DISABLE_AFTER`` is disabled, and an alert says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.alerts import service as alerts
from app.jobs.enqueue import enqueue
from app.jobs.handlers import JobContext, handler
from app.models import WebhookDelivery, WebhookEndpoint
from app.models.enums import AlertSeverity
from app.models.webhook import EndpointState, WebhookDeliveryState
from app.scope import Scope
from app.webhooks import events, repository, signing, transport, urls

#: The wait before each try of a round, counted from the try before (the first goes at once). 10 tries
#: over 3 days 3 hours: the last one runs a full day after the ninth.
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
#: An endpoint that has failed every try for this long is disabled (with an alert).
DISABLE_AFTER = timedelta(days=5)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the one it replaced while its overlap lasts (newest first)."""
    found = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and now < endpoint.previous_secret_until:
        found.append(endpoint.previous_secret)
    return found


@handler(events.DELIVER, queue="webhooks", max_attempts=3)
async def deliver_job(job: JobContext) -> None:
    await attempt(job.scope, int(job.args["delivery"]), int(job.args["attempt"]))


async def attempt(scope: Scope, delivery_id: int, number: int) -> WebhookDelivery | None:
    """Try delivery ``delivery_id`` as its attempt ``number``; the delivery afterwards."""
    delivery = await repository.delivery_for_job(scope, delivery_id)
    if delivery is None or delivery.state == WebhookDeliveryState.DELIVERED or delivery.attempts >= number:
        return delivery
    endpoint: WebhookEndpoint = delivery.endpoint
    if endpoint.deleted_at is not None or endpoint.state != EndpointState.ENABLED:
        delivery.state = WebhookDeliveryState.FAILED
        delivery.next_attempt_at = None
        delivery.last_error = (
            "the endpoint was deleted" if endpoint.deleted_at else "the endpoint is disabled"
        )
        await repository.save(delivery, ["state", "next_attempt_at", "last_error"])
        return delivery
    now = clock.now()
    event = delivery.event
    headers = signing.headers(signing_secrets(endpoint, now), event.message_id, now, event.body)
    answer = await transport.post(endpoint.url, event.body, headers, production=urls.production())
    async with in_transaction():
        await repository.insert_attempt(
            scope,
            delivery=delivery,
            number=number,
            started_at=now,
            status_code=answer.status,
            latency_ms=answer.latency_ms,
            response_body=answer.body,
            error=answer.error,
            succeeded=answer.ok,
        )
        delivery.attempts = number
        delivery.last_status = answer.status
        delivery.last_error = answer.error or ("" if answer.ok else f"HTTP {answer.status}")
        if answer.ok:
            await _delivered(scope, delivery, endpoint, now)
        else:
            await _failed(scope, delivery, endpoint, number, now)
    return delivery


async def _delivered(
    scope: Scope, delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime
) -> None:
    delivery.state = WebhookDeliveryState.DELIVERED
    delivery.delivered_at = now
    delivery.next_attempt_at = None
    await repository.save(
        delivery, ["state", "delivered_at", "next_attempt_at", "attempts", "last_status", "last_error"]
    )
    if endpoint.failing_since is not None:
        await repository.clear_failing(scope, endpoint.id)


async def _failed(
    scope: Scope, delivery: WebhookDelivery, endpoint: WebhookEndpoint, number: int, now: datetime
) -> None:
    changed = ["state", "next_attempt_at", "attempts", "last_status", "last_error"]
    # Read the endpoint again: other deliveries' tries ran while this one waited for its answer.
    await repository.mark_failing(scope, endpoint.id, now)
    fresh = await repository.endpoint_for_job(scope, endpoint.id)
    position = number - delivery.schedule_from + 1  # tries of this round so far
    delivery.state, delivery.next_attempt_at = WebhookDeliveryState.FAILED, None
    if fresh is None or fresh.state != EndpointState.ENABLED or fresh.deleted_at is not None:
        delivery.last_error = (delivery.last_error + "; the endpoint is disabled")[:500]
    elif now - fresh.failing_since >= DISABLE_AFTER:
        await _disable(scope, fresh, now)
    elif position < len(SCHEDULE):
        delivery.state = WebhookDeliveryState.PENDING
        delivery.next_attempt_at = now + SCHEDULE[position]
        args = {"delivery": delivery.id, "attempt": number + 1}
        await enqueue(
            scope, events.DELIVER, f"{delivery.id}:{number + 1}", args, run_at=delivery.next_attempt_at
        )
    await repository.save(delivery, changed)


async def _disable(scope: Scope, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Stop sending to an endpoint that has failed for days, and tell the tenant's staff (once: of
    several tries failing at the same moment, one disables it)."""
    since = endpoint.failing_since.isoformat()
    if not await repository.disable(scope, endpoint.id, f"every try failed since {since}", now):
        return
    await alerts.raise_event_alert(
        scope,
        rule="webhook_endpoint_disabled",
        severity=AlertSeverity.CRITICAL,
        dedupe_key=f"webhook_endpoint_disabled:{endpoint.id}:{since}",
        message=f"Webhook endpoint {endpoint.url[:200]} was disabled after 5 days of failed deliveries",
        details={"endpoint_id": endpoint.id, "failing_since": since},
    )
