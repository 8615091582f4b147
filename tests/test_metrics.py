"""``/metrics``: what an operator scrapes, parsed with prometheus-client's own parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from tortoise.transactions import in_transaction

from app import clock
from app.jobs.enqueue import enqueue
from app.observability import metrics
from app.web.app import create_app
from tests.helpers import gql, make_token, production_settings


async def scrape(client: httpx.AsyncClient, **headers) -> dict[str, list]:
    answer = await client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(answer.text)}


def value(families: dict[str, list], sample_name: str, **labels) -> float:
    family = sample_name.removesuffix("_total").removesuffix("_count").removesuffix("_bucket")
    family = family.removesuffix("_sum")
    found = [
        s.value
        for s in families.get(family, [])
        if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    return sum(found)


async def test_requests_operations_and_queries_are_counted_by_route_name_and_engine(client, database_url):
    token = await make_token("northwind")
    before = await scrape(client)
    for _ in range(3):
        answer = await client.post(
            "/graphql",
            json={"query": "query PortfolioTiles { arSummary { asOf } }", "operationName": "PortfolioTiles"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200 and "errors" not in answer.json()
    refused = await gql(client, "query Broken { noSuchField }", token)
    assert refused.json()["errors"]
    assert (await client.get("/portal/invoices/SW52b2ljZTo3")).status_code in (302, 303, 401, 404)
    assert (await client.get("/no/such/page")).status_code == 404
    after = await scrape(client)

    def delta(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ledgerport_http_requests_total", route="/graphql", method="POST", status="200") == 4
    assert delta("ledgerport_http_requests_total", route="unmatched", method="GET", status="404") == 1
    # The portal's invoice link counts under its template, never under the id it carried.
    assert not any("SW52" in s.labels.get("route", "") for s in after["ledgerport_http_requests"]), (
        "raw paths must not become labels"
    )
    labels = {"schema": "staff", "operation": "PortfolioTiles", "type": "query", "outcome": "ok"}
    assert delta("ledgerport_graphql_operation_duration_seconds_count", **labels) == 3
    assert delta("ledgerport_graphql_operation_duration_seconds_sum", **labels) > 0
    failed = {"schema": "staff", "operation": "Broken", "outcome": "error"}
    assert delta("ledgerport_graphql_operation_duration_seconds_count", **failed) == 1
    engine = "sqlite" if database_url.startswith("sqlite") else "postgres"
    assert delta("ledgerport_db_query_duration_seconds_count", engine=engine, statement="select") > 0
    # Histograms end with +Inf equal to the count.
    inf = value(after, "ledgerport_http_request_duration_seconds_bucket", route="/graphql", le="+Inf")
    assert inf == value(after, "ledgerport_http_request_duration_seconds_count", route="/graphql")


async def test_queue_depth_and_age_per_tenant_come_from_the_database(client, scope_a, scope_b):
    now = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # a month end, late in the evening
    with clock.frozen(now - timedelta(minutes=10)):
        async with in_transaction():
            await enqueue(scope_a, "alerts.evaluate", "metrics-1", {})
    with clock.frozen(now - timedelta(minutes=2)):
        async with in_transaction():
            await enqueue(scope_a, "alerts.evaluate", "metrics-2", {})
            await enqueue(scope_a, "alerts.evaluate", "metrics-later", {}, run_at=now + timedelta(hours=1))
    with clock.frozen(now):
        found = await scrape(client)
    jobs = {(s.labels["tenant"], s.labels["state"]): s.value for s in found["ledgerport_jobs"]}
    assert jobs[("northwind", "queued")] == 3
    assert jobs[("cloudly", "queued")] == 0, "another tenant's jobs are not counted as its own"
    ages = {s.labels["tenant"]: s.value for s in found["ledgerport_jobs_oldest_due_age_seconds"]}
    assert ages == {"northwind": 600.0, "cloudly": 0.0}
    assert scope_b.tenant_slug == "cloudly"


async def test_metrics_are_not_public_in_production(settings, registry, tenants):
    plain = production_settings(settings)
    guarded = type(plain)(**{**plain.__dict__, "metrics_token": "m" * 32})
    for prod, expected in ((plain, 404), (guarded, 401)):
        app = create_app(prod, registry, manage_database=False)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answer = await http.get("/metrics")
            assert answer.status_code == expected, answer.text
            assert "ledgerport_" not in answer.text
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
            assert wrong.status_code == expected
            if prod is guarded:
                found = await scrape(http, Authorization="Bearer " + "m" * 32)
                assert "ledgerport_http_requests" in found


def test_operation_names_are_bounded_so_a_client_cannot_grow_the_label_set(monkeypatch):
    monkeypatch.setattr(metrics, "_seen_operations", set())
    monkeypatch.setattr(metrics, "MAX_OPERATION_NAMES", 3)
    assert [metrics.operation_label(n) for n in ("A", "B", "C", "D", "A")] == ["A", "B", "C", "other", "A"]
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("drop table; --") == "other"
    assert metrics.operation_label("x" * 65) == "other"


def test_statement_kinds():
    assert metrics.statement_kind('  SELECT "id" FROM x') == "select"
    assert metrics.statement_kind("WITH open AS (SELECT 1) SELECT * FROM open") == "select"
    assert metrics.statement_kind("insert into x values (1)") == "insert"
    assert metrics.statement_kind("PRAGMA foreign_keys = ON") == "other"
    assert metrics.statement_kind("") == "other"
