"""Where an endpoint may point (issue 19, point 5): in production only https to public addresses,
checked after resolving the name; development and test also allow http and loopback; the metadata
service never. Each refusal has its code, at creation and again at delivery."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import clock
from app.models.webhook import WebhookDeliveryState
from app.webhooks import service, urls
from tests.webhook_world import emit, run_at

PUBLIC = "93.184.215.14"  # a global unicast address, written as a literal: no lookup, no connection


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com/hooks", "https_required"),
        ("https://127.0.0.1/hooks", "loopback_address"),
        ("https://[::1]/hooks", "loopback_address"),
        ("https://localhost:8443/hooks", "loopback_address"),  # refused after the lookup, not by name
        ("https://[::ffff:127.0.0.1]/hooks", "loopback_address"),
        ("https://10.1.2.3/hooks", "private_address"),
        ("https://192.168.0.10/hooks", "private_address"),
        ("https://172.16.5.5/hooks", "private_address"),
        ("https://100.64.0.1/hooks", "private_address"),  # shared (carrier-grade NAT) space
        ("https://0.0.0.0/hooks", "private_address"),
        ("https://[fd00::1]/hooks", "private_address"),
        ("https://169.254.169.254/latest/meta-data", "link_local_address"),
        ("https://[fe80::1]/hooks", "link_local_address"),
        ("https://nothing.invalid/hooks", "unresolvable_host"),
        ("ftp://example.com/hooks", "invalid_url"),
        ("https://user:pw@example.com/hooks", "invalid_url"),
        ("https:///hooks", "invalid_url"),
        ("https://example.com:99999/", "invalid_url"),
        ("https://e.com/" + "x" * 2000, "too_long"),
    ],
)
async def test_production_refuses_each_unsafe_url_with_its_code(url, code):
    with pytest.raises(urls.UnsafeUrl) as refused:
        await urls.check(url, production=True)
    assert (refused.value.code, refused.value.field) == (code, "url")


async def test_production_accepts_https_to_a_public_address():
    target = await urls.check(f"https://{PUBLIC}/hooks?x=1", production=True)
    assert (target.address, target.port, target.host) == (PUBLIC, 443, PUBLIC)


async def test_development_and_test_allow_http_and_loopback_but_never_the_metadata_service():
    assert (await urls.check("http://127.0.0.1:9999/hooks", production=False)).address == "127.0.0.1"
    assert (await urls.check("http://localhost:9999/hooks", production=False)).address == "127.0.0.1"
    with pytest.raises(urls.UnsafeUrl) as refused:
        await urls.check("http://169.254.169.254/latest/meta-data", production=False)
    assert refused.value.code == "link_local_address"


async def test_creating_or_changing_an_endpoint_in_production_is_refused_with_the_code(
    scope_a, receiver, monkeypatch
):
    endpoint, _ = await service.create(scope_a, receiver.url, ["payment.succeeded"])
    monkeypatch.setattr(urls, "production", lambda: True)

    with pytest.raises(urls.UnsafeUrl) as refused:
        await service.create(scope_a, "https://10.0.0.8/hooks", ["payment.succeeded"])
    assert refused.value.code == "private_address"
    with pytest.raises(urls.UnsafeUrl) as refused:
        await service.update(scope_a, endpoint.id, service.EndpointChange(url="http://127.0.0.1/x"))
    assert refused.value.code == "https_required"
    assert (await service.endpoint(scope_a, endpoint.id)).url == receiver.url  # unchanged


async def test_an_endpoint_that_became_unsafe_is_refused_at_delivery_and_nothing_is_sent(
    scope_a, registry, receiver, monkeypatch
):
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    await service.create(scope_a, receiver.url, ["payment.succeeded"])
    with clock.frozen(start):
        await emit(scope_a, "payment.succeeded", {"version": 1})
    monkeypatch.setattr(urls, "production", lambda: True)  # the same server, now in production

    await run_at(registry, start)

    assert receiver.received == []
    [row], _ = await service.deliveries(scope_a, service.DeliveryFilter(), 0, 10)
    [attempt] = (await service.attempts(scope_a, [row.id]))[row.id]
    assert attempt.status_code is None and attempt.error.startswith("refused: https_required")
    assert row.state == WebhookDeliveryState.PENDING  # retried on the schedule, like any failure


async def test_a_redirect_is_not_followed_and_counts_as_a_failed_try(scope_a, registry, receiver):
    receiver.plan = [302]
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    await service.create(scope_a, receiver.url, ["payment.succeeded"])
    with clock.frozen(start):
        await emit(scope_a, "payment.succeeded", {"version": 1})
    await run_at(registry, start)

    assert len(receiver.received) == 1
    [row], _ = await service.deliveries(scope_a, service.DeliveryFilter(), 0, 10)
    assert (row.state, row.last_status, row.last_error) == (WebhookDeliveryState.PENDING, 302, "HTTP 302")
