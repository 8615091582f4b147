"""Deliveries run by real ``ledgerport worker`` processes (pgqueuer on PostgreSQL, the polling loop on
SQLite): a receiver that fails the first try gets the event on the second, 5 s later, exactly once."""

from __future__ import annotations

import asyncio

from app.models.webhook import WebhookDeliveryState
from app.webhooks import service
from tests.webhook_receiver import verify
from tests.webhook_world import emit
from tests.workers import eventually


async def _delivered(scope) -> bool:
    rows, _ = await service.deliveries(scope, service.DeliveryFilter(), 0, 10)
    return bool(rows) and all(r.state == WebhookDeliveryState.DELIVERED for r in rows)


async def test_a_worker_delivers_after_a_failed_try_exactly_once(scope_a, scope_b, workers, receiver):
    receiver.plan = [503]
    _, secret = await service.create(scope_a, receiver.url, ["payment.succeeded"])
    await service.create(scope_b, receiver.url + "?tenant=b", ["invoice.created"])
    workers.start()

    await emit(scope_a, "payment.succeeded", {"id": "UGF5bWVudDox", "version": 1})
    await eventually(lambda: _delivered(scope_a), within=40, what="the delivery after its retry")
    await asyncio.sleep(1.0)  # a duplicate try would have come by now

    assert receiver.statuses == [503, 200]
    got = receiver.received[-1]
    assert verify(secret, got.body, got.headers, now=got.at)["type"] == "payment.succeeded"
    assert all(r.query == "" for r in receiver.received)
    [row], _ = await service.deliveries(scope_a, service.DeliveryFilter(), 0, 10)
    attempts = (await service.attempts(scope_a, [row.id]))[row.id]
    assert [(a.number, a.status_code) for a in attempts] == [(1, 503), (2, 200)]
    assert (attempts[1].started_at - attempts[0].started_at).total_seconds() >= 5
