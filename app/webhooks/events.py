"""``emit``: the one door every domain uses to say that something happened (docs/webhooks.md).

It runs inside the transaction of the change it reports, and writes one event row (the exact JSON
body, signed and sent as is on every try) and, per endpoint subscribed to the type at that moment, a
delivery row and its first ``webhooks.deliver`` job (app/jobs). So a rolled-back change leaves no event
and nothing is sent; a committed one is delivered at least once, even if the process dies right after
the commit. A tenant's endpoints are read in its system scope, whoever the caller is (a contact paying
in the portal still causes ``payment.succeeded`` for the tenant's ERP), and never another tenant's.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from app import clock
from app.jobs.enqueue import enqueue
from app.realtime import publish as realtime
from app.scope import Scope
from app.webhooks import catalogue, repository

DELIVER = "webhooks.deliver"


class NotInTransaction(RuntimeError):
    """``emit`` was called outside a transaction: the event could outlive a rolled-back change."""


def system_scope_of(scope: Scope) -> Scope:
    """The caller's tenant as a system principal (the endpoints are the tenant's, not the caller's)."""
    return Scope.system(scope.tenant_id, scope.tenant_slug, principal=scope.principal)


def body_of(message_id: str, event_type: str, data: dict[str, Any], moment) -> str:
    """The JSON body: compact, keys sorted, so the bytes signed are the bytes a test can rebuild."""
    envelope = {
        "id": message_id,
        "type": event_type,
        "version": catalogue.EVENT_TYPES[event_type],
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, default=str)


async def subscribed(scope: Scope, *event_types: str) -> set[str]:
    """Which of ``event_types`` some enabled endpoint of the tenant wants (to skip building payloads
    nobody will receive)."""
    wanted = {t for e in await repository.enabled_endpoints(system_scope_of(scope)) for t in e.events or []}
    return wanted & set(event_types)


async def emit(scope: Scope, event_type: str, data: dict[str, Any]) -> int | None:
    """Record ``event_type`` with ``data`` for every endpoint of the scope's tenant subscribed to it;
    the event's id, or None when no endpoint wants it (then nothing is written)."""
    ids = await emit_many(scope, event_type, [data])
    return ids[0] if ids else None


async def emit_many(scope: Scope, event_type: str, datas: list[dict[str, Any]]) -> list[int]:
    """``emit`` for several objects of one type (an import's invoices): the endpoints are read once.
    The ids of the events written; none when no endpoint wants the type."""
    if not catalogue.is_known(event_type):
        raise KeyError(f"unknown webhook event type {event_type!r}: add it to app.webhooks.catalogue")
    if not isinstance(connections.get("default"), TransactionalDBClient):
        raise NotInTransaction(f"emit({event_type!r}) must run inside the transaction of the change")
    # Subscribers hear of it after the commit, whether or not an endpoint wants it (app.realtime).
    realtime.record(scope.tenant_id, event_type, datas)
    system = system_scope_of(scope)
    wanting = [e for e in await repository.enabled_endpoints(system) if event_type in (e.events or [])]
    if not wanting or not datas:
        return []
    now = clock.now()
    written = []
    for data in datas:
        message_id = "msg_" + secrets.token_urlsafe(18)
        body = body_of(message_id, event_type, data, now)
        event = await repository.insert_event(
            system, message_id=message_id, type=event_type, body=body, created_at=now
        )
        for endpoint in wanting:
            delivery = await repository.insert_delivery(
                system, endpoint=endpoint, event=event, created_at=now, next_attempt_at=now
            )
            await enqueue(system, DELIVER, f"{delivery.id}:1", {"delivery": delivery.id, "attempt": 1})
        written.append(event.id)
    return written
