"""Subscriptions on real server processes: a payment recorded through process 2 reaches a subscriber
of process 1 within a second (PostgreSQL NOTIFY, and Redis); a job finished by a worker too; tenant B
hears nothing of it; and the WebSocket's credential, origin and limits are checked like a query's."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest
from tortoise.transactions import in_transaction

from app.ids import encode_id
from app.jobs.enqueue import enqueue
from app.models.enums import StaffRole
from tests import job_probes
from tests import payments_data as data
from tests.helpers import make_token
from tests.realtime_servers import Server, Subscriber, redis_or_skip
from tests.workers import FAST

PAYMENTS = "subscription { paymentReceived { paymentId customerId amount { amount currencyCode } } }"
RECORD = """mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) { payment { id } userErrors { code message } }
}"""


def payment_input(customer_id: int, currency: str = "USD") -> dict:
    return {
        "input": {
            "customerId": encode_id("Customer", customer_id),
            "amount": "12.34",
            "currencyCode": currency,
            "receivedDate": "2026-06-01",
            "method": "WIRE",
            "externalId": f"WIRE-{time.monotonic_ns()}",
        }
    }


async def _servers(database_url, tmp_path, count: int, extra: dict | None = None) -> list[Server]:
    servers = [Server(database_url, tmp_path / f"server-{i}.log", extra) for i in range(count)]
    for server in servers:
        await server.up()
    return servers


async def _subscribed(server: Server, token: str, query: str = PAYMENTS) -> Subscriber:
    subscriber = await Subscriber.open(f"{server.ws}/graphql", {"Authorization": f"Bearer {token}"})
    assert (await subscriber.acked())["type"] == "connection_ack"
    await subscriber.subscribe("1", query)
    return subscriber


@pytest.mark.engine("postgres")
@pytest.mark.parametrize("broker", ["notify", "redis"])
async def test_a_payment_recorded_through_process_2_reaches_a_subscriber_of_process_1_within_a_second(
    db, database_url, scope_a, scope_b, tmp_path, broker
):
    extra = {"LEDGERPORT_REDIS_URL": redis_or_skip()} if broker == "redis" else {}
    acme = await data.customer(scope_a, "acme")
    await data.customer(scope_b, "globex", "EUR")
    reader_a, reader_b = (
        await make_token("northwind", StaffRole.VIEWER),
        await make_token("cloudly", StaffRole.VIEWER),
    )
    finance = await make_token("northwind", StaffRole.FINANCE, name="finance")
    one, two = await _servers(database_url, tmp_path, 2, extra)
    try:
        a, b = await _subscribed(one, reader_a), await _subscribed(one, reader_b)
        assert await a.next(0.3) is None  # subscribed, nothing yet
        async with httpx.AsyncClient(base_url=two.base) as http:
            answer = await http.post(
                "/graphql",
                json={"query": RECORD, "variables": payment_input(acme.id)},
                headers={"Authorization": f"Bearer {finance}"},
            )
        committed = time.monotonic()  # the mutation answers after its commit, the publication's moment
        recorded = answer.json()["data"]["recordPayment"]
        assert recorded["userErrors"] == []
        heard = await a.next(5)
        latency = time.monotonic() - committed
        assert heard is not None and heard["type"] == "next", heard
        assert heard["payload"]["data"]["paymentReceived"] == {
            "paymentId": recorded["payment"]["id"],
            "customerId": encode_id("Customer", acme.id),
            "amount": {"amount": "12.34", "currencyCode": "USD"},
        }
        assert latency < 1.0, f"heard {latency:.3f} s after the commit"
        assert await b.next(0.5) is None, "tenant B hears nothing of tenant A"
        await a.close()
        await b.close()
    finally:
        one.stop()
        two.stop()


@pytest.mark.engine("postgres")
async def test_a_job_finished_by_a_worker_reaches_the_admins_of_its_tenant_only(
    db, database_url, scope_a, tmp_path, workers
):
    admin_a, admin_b = await make_token("northwind"), await make_token("cloudly")
    [server] = await _servers(database_url, tmp_path, 1)
    query = 'subscription { jobFinished(kind: "test.record") { jobId kind state } }'
    try:
        a, b = await _subscribed(server, admin_a, query), await _subscribed(server, admin_b, query)
        assert await a.next(0.3) is None
        async with in_transaction():
            job_id = await enqueue(scope_a, "test.record", "realtime", {"log": str(tmp_path / "jobs.log")})
        workers.start(FAST)
        heard = await a.next(30)
        assert heard is not None and heard["payload"]["data"]["jobFinished"] == {
            "jobId": encode_id("Job", job_id),
            "kind": "test.record",
            "state": "succeeded",
        }
        assert await b.next(0.5) is None
    finally:
        server.stop()


async def test_a_socket_without_a_valid_credential_or_from_another_origin_is_refused(
    db, database_url, scope_a, tmp_path
):
    token = await make_token("northwind")
    [server] = await _servers(database_url, tmp_path, 1)
    try:
        for payload in ({}, {"Authorization": "Bearer lp_not_a_token"}):
            refused = await Subscriber.open(f"{server.ws}/graphql", payload)
            code, reason = await refused.closed_with()
            assert code == 4401, (code, reason)
        portal = await Subscriber.open(f"{server.ws}/portal/graphql", {"Authorization": f"Bearer {token}"})
        assert (await portal.closed_with())[0] == 4401, "the portal takes only a contact's session"
        with pytest.raises(Exception, match="403"):
            await Subscriber.open(
                f"{server.ws}/graphql", {"Authorization": f"Bearer {token}"}, origin="http://evil.example"
            )
        # A subscription field is checked like a query: a viewer may not hear of jobs.
        viewer = await _subscribed(
            server,
            await make_token("northwind", StaffRole.VIEWER, name="v"),
            "subscription { jobFinished { jobId } }",
        )
        refused = await viewer.next(5)
        assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "forbidden"
        await viewer.close()
    finally:
        server.stop()


async def test_connections_per_principal_and_subscriptions_per_connection_are_bounded(
    db, database_url, scope_a, scope_b, tmp_path
):
    limits = {"LEDGERPORT_REALTIME_CONNECTIONS": "2", "LEDGERPORT_REALTIME_SUBSCRIPTIONS": "2"}
    token, other = await make_token("northwind"), await make_token("cloudly")
    [server] = await _servers(database_url, tmp_path, 1, limits)
    try:
        first, second = await _subscribed(server, token), await _subscribed(server, token)
        third = await Subscriber.open(f"{server.ws}/graphql", {"Authorization": f"Bearer {token}"})
        assert (await third.closed_with())[0] == 4430
        elsewhere = await _subscribed(server, other)  # another principal has its own allowance
        await first.close()
        again = await _subscribed(server, token)  # a closed connection gives its place back
        await again.subscribe("2", PAYMENTS)
        await again.subscribe("3", PAYMENTS)
        refused = await again.next(5)
        assert refused["id"] == "3" and refused["type"] == "error"
        assert "limit" in refused["payload"][0]["message"].lower()
        for subscriber in (second, elsewhere, again):
            await subscriber.close()
    finally:
        server.stop()


_ = (date, job_probes)  # the probe handlers must be registered in this process too
