"""Delivery end to end: an event emitted in a transaction reaches a receiver on loopback, signed per
Standard Webhooks (checked by the ported reference verifier), retried on the schedule while the receiver
fails, every try in the log; secrets rotate with an overlap; tenants never hear each other; a rolled-back
change sends nothing; endpoints that fail for 5 days are disabled with an alert."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from app import clock
from app.jobs import repository as jobs
from app.models.webhook import EndpointState, WebhookDeliveryState
from app.webhooks import delivery as deliver
from app.webhooks import events, repository, service
from tests.webhook_receiver import WebhookVerificationError, verify
from tests.webhook_world import emit, run_at, run_until_settled

START = datetime(2027, 3, 1, 12, tzinfo=UTC)
DATA = {"id": "UGF5bWVudDox", "amount": {"amount": "12.50", "currencyCode": "USD"}, "version": 1}


async def make_endpoint(scope, url, event_types=("payment.succeeded",)):
    with clock.frozen(START - timedelta(hours=1)):
        return await service.create(scope, url, list(event_types), "ERP")


async def only_delivery(scope):
    rows, total = await service.deliveries(scope, service.DeliveryFilter(), 0, 50)
    assert total == len(rows)
    return rows


async def test_a_receiver_that_fails_three_times_gets_the_event_once_verified_after_retries_in_the_log(
    scope_a, scope_b, registry, receiver
):
    receiver.plan = [500, 503, 500]
    endpoint, secret = await make_endpoint(scope_a, receiver.url)
    await make_endpoint(scope_b, receiver.url + "?tenant=b")  # tenant B listens to the same type
    with clock.frozen(START):
        event_id = await emit(scope_a, "payment.succeeded", DATA)
    [row] = await only_delivery(scope_a)

    moments = await run_until_settled(registry, scope_a, row.id, START)

    # Tries at once, after 5 s, after 5 min, after 30 min: the schedule's first four steps.
    assert [m - START for m in moments] == [
        timedelta(0),
        timedelta(seconds=5),
        timedelta(seconds=5, minutes=5),
        timedelta(seconds=5, minutes=35),
    ]
    assert receiver.statuses == [500, 503, 500, 200]
    [got] = receiver.accepted()
    body = verify(secret, got.body, got.headers, now=got.at)
    assert body["type"] == "payment.succeeded" and body["data"] == DATA and body["version"] == 1
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same id on every try
    assert {r.body for r in receiver.received} == {got.body}
    assert all(r.query != "tenant=b" for r in receiver.received)

    row = await service.delivery(scope_a, row.id)
    assert (row.state, row.attempts, row.last_status) == (WebhookDeliveryState.DELIVERED, 4, 200)
    attempts = (await service.attempts(scope_a, [row.id]))[row.id]
    assert [(a.number, a.status_code, a.succeeded, a.response_body) for a in attempts] == [
        (1, 500, False, "ok"),
        (2, 503, False, "ok"),
        (3, 500, False, "ok"),
        (4, 200, True, "ok"),
    ]
    assert all(a.latency_ms >= 0 for a in attempts)
    assert event_id is not None
    # Tenant B sees none of it, and A's delivery is "not found" for B.
    assert await only_delivery(scope_b) == []
    with pytest.raises(Exception, match="not found"):
        await service.delivery(scope_b, row.id)
    assert (await repository.endpoint(scope_a, endpoint.id)).failing_since is None


async def test_tenant_b_endpoint_gets_only_tenant_b_events(scope_a, scope_b, registry, receiver):
    _, secret_a = await make_endpoint(scope_a, receiver.url + "?tenant=a")
    _, secret_b = await make_endpoint(scope_b, receiver.url + "?tenant=b")
    with clock.frozen(START):
        await emit(scope_a, "payment.succeeded", {**DATA, "tenant": "a"})
        await emit(scope_b, "payment.succeeded", {**DATA, "tenant": "b"})
        await emit(scope_a, "payment.succeeded", {**DATA, "tenant": "a"})
    await run_at(registry, START)

    by_query = {}
    for r in receiver.received:
        secret = secret_a if r.query == "tenant=a" else secret_b
        by_query.setdefault(r.query, []).append(verify(secret, r.body, r.headers, now=r.at)["data"]["tenant"])
    assert by_query == {"tenant=a": ["a", "a"], "tenant=b": ["b"]}
    with pytest.raises(WebhookVerificationError):  # A's secret does not verify B's delivery
        [b] = [r for r in receiver.received if r.query == "tenant=b"]
        verify(secret_a, b.body, b.headers, now=b.at)


async def test_an_endpoint_gets_only_the_types_it_subscribed_to(scope_a, registry, receiver):
    await make_endpoint(scope_a, receiver.url, ["invoice.created"])
    with clock.frozen(START):
        assert await emit(scope_a, "payment.succeeded", DATA) is None
        assert await emit(scope_a, "invoice.created", DATA) is not None
    await run_at(registry, START)
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["invoice.created"]


async def test_a_rolled_back_change_emits_nothing(scope_a, registry, receiver):
    await make_endpoint(scope_a, receiver.url)

    with pytest.raises(RuntimeError, match="changed my mind"):
        async with in_transaction():
            await events.emit(scope_a, "payment.succeeded", DATA)
            raise RuntimeError("changed my mind")
    await run_at(registry, START)

    assert await only_delivery(scope_a) == []
    assert await jobs.of_kind(scope_a, events.DELIVER) == []
    assert receiver.received == []


async def test_emit_outside_a_transaction_is_refused(scope_a, receiver):
    await make_endpoint(scope_a, receiver.url)
    with pytest.raises(events.NotInTransaction):
        await events.emit(scope_a, "payment.succeeded", DATA)
    with pytest.raises(KeyError, match="unknown webhook event type"):
        async with in_transaction():
            await events.emit(scope_a, "payment.teleported", DATA)


async def test_a_rotated_secret_signs_with_both_during_the_overlap_and_only_the_new_one_after(
    scope_a, registry, receiver
):
    endpoint, old = await make_endpoint(scope_a, receiver.url)
    with clock.frozen(START):
        _, new = await service.rotate_secret(scope_a, endpoint.id)
        await emit(scope_a, "payment.succeeded", DATA)
    await run_at(registry, START)
    later = START + timedelta(hours=23, minutes=59)
    with clock.frozen(later):
        await emit(scope_a, "payment.succeeded", DATA)
    await run_at(registry, later)
    after = START + timedelta(hours=24, seconds=1)
    with clock.frozen(after):
        await emit(scope_a, "payment.succeeded", DATA)
    await run_at(registry, after)

    first, second, third = receiver.received
    for during in (first, second):
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        verify(new, during.body, during.headers, now=during.at)
        verify(old, during.body, during.headers, now=during.at)
    assert len(third.headers["webhook-signature"].split(" ")) == 1
    verify(new, third.body, third.headers, now=third.at)
    with pytest.raises(WebhookVerificationError):
        verify(old, third.body, third.headers, now=third.at)


async def test_redelivery_sends_the_same_message_again_with_a_fresh_schedule(
    scope_a, scope_b, registry, receiver
):
    _, secret = await make_endpoint(scope_a, receiver.url)
    with clock.frozen(START):
        await emit(scope_a, "payment.succeeded", DATA)
    await run_at(registry, START)
    [row] = await only_delivery(scope_a)
    with pytest.raises(Exception, match="not found"):
        await service.redeliver(scope_b, row.id)

    later = START + timedelta(days=2)
    receiver.plan = [500]
    with clock.frozen(later):
        again = await service.redeliver(scope_a, row.id)
    assert again.state == WebhookDeliveryState.PENDING
    moments = await run_until_settled(registry, scope_a, row.id, later)

    assert [m - later for m in moments] == [timedelta(0), timedelta(seconds=5)]
    assert receiver.statuses == [200, 500, 200]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    verify(secret, receiver.received[-1].body, receiver.received[-1].headers, now=receiver.received[-1].at)
    row = await service.delivery(scope_a, row.id)
    assert (row.state, row.attempts) == (WebhookDeliveryState.DELIVERED, 3)


async def test_retries_span_more_than_three_days_then_the_delivery_fails(scope_a, registry, receiver):
    receiver.plan = [500] * 20
    await make_endpoint(scope_a, receiver.url)
    with clock.frozen(START):
        await emit(scope_a, "payment.succeeded", DATA)
    [row] = await only_delivery(scope_a)

    moments = await run_until_settled(registry, scope_a, row.id, START, tries=20)

    assert len(moments) == len(deliver.SCHEDULE) == 10
    assert moments[-1] - START > timedelta(days=3)
    row = await service.delivery(scope_a, row.id)
    assert (row.state, row.attempts, row.next_attempt_at) == (WebhookDeliveryState.FAILED, 10, None)


async def test_an_endpoint_failing_for_five_days_is_disabled_with_an_alert(
    scope_a, scope_b, registry, receiver
):
    from app.alerts import service as alerts

    receiver.plan = [500] * 40
    endpoint, _ = await make_endpoint(scope_a, receiver.url)
    ops, _ = await make_endpoint(scope_a, "http://127.0.0.1:9/ops", ["alert.raised"])  # the on-call tool
    for day in (0, 3, 5):
        moment = START + timedelta(days=day, minutes=1)
        with clock.frozen(moment):
            await emit(scope_a, "payment.succeeded", DATA)
        await run_at(registry, moment)

    found = await repository.endpoint(scope_a, endpoint.id)
    assert found.state == EndpointState.DISABLED and "failed since" in found.disabled_reason
    rows, _ = await alerts.list_alerts(scope_a)
    assert [(a.rule, str(a.severity)) for a in rows] == [("webhook_endpoint_disabled", "critical")]
    assert (await alerts.list_alerts(scope_b))[0] == []
    told, _ = await service.deliveries(scope_a, service.DeliveryFilter(endpoint_id=ops.id), 0, 10)
    assert [json.loads(d.event.body)["data"]["rule"] for d in told] == ["webhook_endpoint_disabled"]
    sent = len(receiver.received)
    with clock.frozen(START + timedelta(days=5, minutes=2)):
        await emit(scope_a, "payment.succeeded", DATA)
    await run_at(registry, START + timedelta(days=6))
    assert len(receiver.received) == sent  # a disabled endpoint gets nothing more
