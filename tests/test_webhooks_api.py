"""The staff API of webhooks through the real endpoint: admins manage endpoints (the secret shown once),
read the delivery log with every try, redeliver; expected failures are userErrors with codes; every
change is audited without the secret; tenant B's admin finds none of tenant A's objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app import clock
from app.audit import service as audit
from app.ids import encode_id
from app.models.enums import StaffRole
from app.webhooks import service
from tests import payments_data as data
from tests.helpers import gql, make_token
from tests.webhook_receiver import verify
from tests.webhook_world import emit, run_at

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url events state description } secret userErrors { field code message }
  }
}"""
UPDATE = """mutation($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { endpoint { id url events state disabledReason } userErrors { field code } }
}"""
ROTATE = """mutation($id: ID!) {
  rotateWebhookSecret(input: {id: $id}) { endpoint { previousSecretValidUntil } secret userErrors { field code } }
}"""
DELETE = "mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id}) { endpoint { id } userErrors { field code } } }"
ENDPOINTS = "{ webhookEndpoints { id url events state } webhookEventTypes }"
DELIVERIES = """query($filter: WebhookDeliveryFilter) {
  webhookDeliveries(first: 10, filter: $filter) {
    totalCount
    edges { node { id endpointId messageId eventType payload state attemptCount lastStatus
                   attempts { number statusCode succeeded responseBody latencyMs } } }
  }
}"""
REDELIVER = """mutation($id: ID!) {
  redeliverWebhook(input: {id: $id}) { delivery { id state } userErrors { field code } }
}"""
START = datetime(2027, 3, 1, 12, tzinfo=UTC)


async def test_an_admin_manages_endpoints_and_reads_the_log_and_tenant_b_sees_none_of_it(
    client, scope_a, scope_b, registry, receiver
):
    admin_a, admin_b = await make_token("northwind"), await make_token("cloudly")
    receiver.plan = [500]

    created = (
        await gql(client, CREATE, admin_a, {"input": {"url": receiver.url, "events": ["payment.succeeded"]}})
    ).json()["data"]["createWebhookEndpoint"]
    assert created["userErrors"] == [] and created["secret"].startswith("whsec_")
    endpoint_id = created["endpoint"]["id"]
    assert created["endpoint"]["state"] == "ENABLED"

    listed = (await gql(client, ENDPOINTS, admin_a)).json()["data"]
    assert [e["id"] for e in listed["webhookEndpoints"]] == [endpoint_id]
    assert (
        "payment.succeeded" in listed["webhookEventTypes"] and "alert.raised" in listed["webhookEventTypes"]
    )
    assert (await gql(client, ENDPOINTS, admin_b)).json()["data"]["webhookEndpoints"] == []

    with clock.frozen(START):
        await emit(scope_a, "payment.succeeded", {"version": 1})
    await run_at(registry, START)
    log = (await gql(client, DELIVERIES, admin_a, {"filter": {"endpointId": endpoint_id}})).json()["data"]
    [node] = [e["node"] for e in log["webhookDeliveries"]["edges"]]
    assert (node["state"], node["attemptCount"], node["lastStatus"], node["eventType"]) == (
        "PENDING",
        1,
        500,
        "payment.succeeded",
    )
    assert node["attempts"][0] | {"latencyMs": 0} == {
        "number": 1,
        "statusCode": 500,
        "succeeded": False,
        "responseBody": "ok",
        "latencyMs": 0,
    }
    b_log = (await gql(client, DELIVERIES, admin_b)).json()["data"]["webhookDeliveries"]
    assert b_log["totalCount"] == 0

    # Redelivery: tenant B's admin cannot find it; A's sends it again now with the same webhook-id.
    refused = (await gql(client, REDELIVER, admin_b, {"id": node["id"]})).json()["data"]["redeliverWebhook"]
    assert refused["userErrors"] == [{"field": ["id"], "code": "not_found"}]
    with clock.frozen(START):
        again = (await gql(client, REDELIVER, admin_a, {"id": node["id"]})).json()["data"]["redeliverWebhook"]
    assert again == {"delivery": {"id": node["id"], "state": "PENDING"}, "userErrors": []}
    await run_at(registry, START)
    assert receiver.statuses == [500, 200]
    verify(created["secret"], receiver.received[-1].body, receiver.received[-1].headers, now=START)
    assert receiver.received[-1].headers["webhook-id"] == node["messageId"]

    # Rotation returns the new secret once; B cannot rotate, change or delete A's endpoint.
    for query, variables in (
        (ROTATE, {"id": endpoint_id}),
        (DELETE, {"id": endpoint_id}),
        (UPDATE, {"input": {"id": endpoint_id, "enabled": False}}),
    ):
        body = (await gql(client, query, admin_b, variables)).json()["data"]
        assert next(iter(body.values()))["userErrors"] == [{"field": ["id"], "code": "not_found"}]
    with clock.frozen(START):
        rotated = (await gql(client, ROTATE, admin_a, {"id": endpoint_id})).json()["data"][
            "rotateWebhookSecret"
        ]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["endpoint"]["previousSecretValidUntil"].startswith("2027-03-02T12:00:00")

    changed = (
        await gql(
            client,
            UPDATE,
            admin_a,
            {"input": {"id": endpoint_id, "enabled": False, "events": ["invoice.created"]}},
        )
    ).json()["data"]["updateWebhookEndpoint"]
    assert changed["endpoint"]["state"] == "DISABLED" and changed["endpoint"]["events"] == ["invoice.created"]
    redeliver_disabled = (await gql(client, REDELIVER, admin_a, {"id": node["id"]})).json()["data"]
    assert redeliver_disabled["redeliverWebhook"]["userErrors"] == [
        {"field": ["id"], "code": "endpoint_disabled"}
    ]

    deleted = (await gql(client, DELETE, admin_a, {"id": endpoint_id})).json()["data"][
        "deleteWebhookEndpoint"
    ]
    assert deleted["userErrors"] == []
    assert (await gql(client, ENDPOINTS, admin_a)).json()["data"]["webhookEndpoints"] == []

    actions = [e.action for e in await audit.recent(scope_a) if e.action.startswith("webhook")]
    assert sorted(actions) == sorted(
        [
            "webhook_endpoint.created",
            "webhook_delivery.redelivered",
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint.updated",
            "webhook_endpoint.deleted",
        ]
    )
    details = [e.details for e in await audit.recent(scope_a)]
    assert all(created["secret"] not in str(d) and rotated["secret"] not in str(d) for d in details)
    assert [e for e in await audit.recent(scope_b) if e.action.startswith("webhook")] == []


async def test_bad_input_is_refused_with_codes_and_changes_nothing(client, scope_a):
    admin = await make_token("northwind")
    cases = [
        ({"url": "http://127.0.0.1:1/x", "events": []}, ["events"], "required"),
        ({"url": "http://127.0.0.1:1/x", "events": ["payment.teleported"]}, ["events"], "unknown_event_type"),
        ({"url": "not a url", "events": ["payment.succeeded"]}, ["url"], "invalid_url"),
        ({"url": "http://169.254.169.254/", "events": ["payment.succeeded"]}, ["url"], "link_local_address"),
        ({"url": "", "events": ["payment.succeeded"]}, ["url"], "required"),
    ]
    for given, field, code in cases:
        body = (await gql(client, CREATE, admin, {"input": given})).json()["data"]["createWebhookEndpoint"]
        assert (body["endpoint"], body["secret"]) == (None, None)
        assert [(e["field"], e["code"]) for e in body["userErrors"]] == [(field, code)], given
    assert (await gql(client, ENDPOINTS, admin)).json()["data"]["webhookEndpoints"] == []


async def test_only_admins_may_manage_webhooks(client, scope_a):
    finance = await make_token("northwind", StaffRole.FINANCE, name="fin")
    body = (await gql(client, ENDPOINTS, finance)).json()
    assert body["errors"][0]["extensions"]["code"] == "forbidden"


RECORD = """mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) { payment { id } userErrors { code } }
}"""


async def test_a_payment_recorded_through_the_api_reaches_the_erp_signed_with_the_api_ids_and_money(
    client, scope_a, scope_b, registry, receiver
):
    admin, finance = await make_token("northwind"), await make_token("northwind", StaffRole.FINANCE, name="f")
    made = (
        await gql(client, CREATE, admin, {"input": {"url": receiver.url, "events": ["payment.succeeded"]}})
    ).json()["data"]["createWebhookEndpoint"]
    await service.create(scope_b, receiver.url + "?tenant=b", ["payment.succeeded"])  # B listens too
    acme = await data.customer(scope_a, "acme")
    await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))

    recorded = (
        await gql(
            client,
            RECORD,
            finance,
            {
                "input": {
                    "customerId": encode_id("Customer", acme.id),
                    "amount": "12.34",
                    "currencyCode": "USD",
                    "receivedDate": "2026-06-01",
                    "method": "WIRE",
                    "externalId": "WIRE-1",
                }
            },
        )
    ).json()["data"]["recordPayment"]
    assert recorded["userErrors"] == []
    await run_at(registry, clock.now())

    [got] = receiver.received
    body = verify(made["secret"], got.body, got.headers, now=got.at)
    assert body["type"] == "payment.succeeded" and got.query == ""
    assert body["data"]["id"] == recorded["payment"]["id"]  # the id the API returned
    assert body["data"]["amount"] == {"amount": "12.34", "currencyCode": "USD"}
    assert body["data"]["customerId"] == encode_id("Customer", acme.id)
