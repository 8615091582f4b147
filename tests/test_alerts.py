"""Alert rules, idempotent evaluation, the CLI, and who may acknowledge or resolve."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime
from types import SimpleNamespace

from app.alerts import service
from app.models.enums import CoverStatus, KycStatus, PaymentStatus, StaffRole
from app.tenancy.service import system_scope
from tests import builders
from tests.conftest import ROOT
from tests.helpers import gql, make_token

ALERTS = """
query ($filter: AlertFilter) {
  alerts(first: 50, filter: $filter) { totalCount edges { node { id rule severity status message acknowledgedBy } } }
}
"""
ACKNOWLEDGE = """
mutation ($id: ID!) { acknowledgeAlert(input: {id: $id}) {
  alert { status acknowledgedBy } userErrors { field code message } } }
"""
RESOLVE = """
mutation ($id: ID!) { resolveAlert(input: {id: $id}) { alert { status } userErrors { field code message } } }
"""
TODAY = date(2026, 6, 30)


async def every_condition(scope) -> None:
    c = await builders.customer(
        scope, "Risky", credit_limit=100, kyc_status=KycStatus.APPROVED, kyc_next_review=date(2026, 7, 10)
    )
    late = await builders.invoice(scope, c, 50000, "2026-02-01", "2026-03-01")  # 121 days overdue
    await builders.invoice(scope, c, 1000, "2026-05-01", "2026-05-20")  # 41 days: below 60? passes 30
    await builders.letter_of_credit(scope, c, 1000, "2026-07-15", reference="LC-7")
    await builders.letter_of_credit(scope, c, 1000, "2026-07-15", status=CoverStatus.EXPIRED)
    await builders.dispute(scope, late, 100, "2026-03-01")  # SLA long past
    await builders.promise(scope, c, 100, "2026-06-01")  # still open after its date: broken
    await builders.payment(scope, c, 500, "2026-06-25", status=PaymentStatus.FAILED)


async def test_given_every_condition_when_evaluated_twice_then_each_alert_exists_once(
    scope_a, scope_b, registry
):
    await every_condition(scope_a)
    await every_condition(scope_b)
    config = registry.require("northwind").config

    first = await service.evaluate(scope_a, config, TODAY)
    again = await service.evaluate(scope_a, config, TODAY)

    rows, total = await service.list_alerts(scope_a)
    assert (first.created, again.created, total) == (8, 0, 8)
    assert sorted(a.rule for a in rows) == [
        "credit_limit_exceeded",
        "dispute_past_sla",
        "invoice_overdue",
        "invoice_overdue",
        "kyc_review_due",
        "letter_of_credit_expiring",
        "payment_failed",
        "promise_broken",
    ]
    overdue = sorted((a.details["threshold"], a.severity) for a in rows if a.rule == "invoice_overdue")
    assert overdue == [(30, "warning"), (90, "critical")]
    assert (await service.list_alerts(scope_b))[1] == 0  # tenant B was not evaluated: nothing leaks over


async def test_viewer_reads_alerts_but_cannot_acknowledge_them(client, scope_a, scope_b, registry):
    await every_condition(scope_a)
    await service.evaluate(scope_a, registry.require("northwind").config, TODAY)
    viewer = await make_token("northwind", StaffRole.VIEWER, name="viewer")
    collector = await make_token("northwind", StaffRole.COLLECTIONS, name="collector")

    listed = (await gql(client, ALERTS, viewer)).json()["data"]["alerts"]
    alert_id = listed["edges"][0]["node"]["id"]
    denied = (await gql(client, ACKNOWLEDGE, viewer, {"id": alert_id})).json()
    acknowledged = (await gql(client, ACKNOWLEDGE, collector, {"id": alert_id})).json()
    resolved = (await gql(client, RESOLVE, collector, {"id": alert_id})).json()
    again = (await gql(client, RESOLVE, collector, {"id": alert_id})).json()

    assert listed["totalCount"] == 8
    assert denied["data"] is None and denied["errors"][0]["extensions"]["code"] == "forbidden"
    assert acknowledged["data"]["acknowledgeAlert"] == {
        "alert": {"status": "ACKNOWLEDGED", "acknowledgedBy": "token:collector"},
        "userErrors": [],
    }
    assert resolved["data"]["resolveAlert"]["alert"] == {"status": "RESOLVED"}
    assert again["data"]["resolveAlert"]["userErrors"][0]["code"] == "already_resolved"


async def test_another_tenants_alert_is_not_found(client, scope_a, scope_b, registry):
    await every_condition(scope_b)
    await service.evaluate(scope_b, registry.require("cloudly").config, TODAY)
    other_id = (await gql(client, ALERTS, await make_token("cloudly"))).json()["data"]["alerts"]["edges"][0][
        "node"
    ]["id"]
    own = await make_token("northwind", StaffRole.FINANCE)

    body = (await gql(client, ACKNOWLEDGE, own, {"id": other_id})).json()
    listed = (await gql(client, ALERTS, own)).json()["data"]["alerts"]

    assert body["data"]["acknowledgeAlert"]["userErrors"][0]["code"] == "not_found"
    assert listed["totalCount"] == 0


async def test_cli_evaluates_alerts_for_a_tenant(db, scope_a, scope_b):
    c = await builders.customer(scope_a)
    await builders.payment(scope_a, c, 500, datetime.now(UTC).date().isoformat(), status=PaymentStatus.FAILED)
    env = {**os.environ, "LEDGERPORT_DATABASE_URL": db, "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants")}

    runs = []
    for _ in range(2):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "alerts",
            "evaluate",
            "--tenant",
            "northwind",
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        runs.append(SimpleNamespace(returncode=process.returncode, stdout=out.decode(), stderr=err.decode()))

    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout.startswith("northwind: 1 new alerts") and runs[1].stdout.startswith(
        "northwind: 0 new"
    )
    scope = await system_scope("northwind")
    assert (await service.list_alerts(scope))[1] == 1


async def test_the_periodic_task_evaluates_each_tenant_and_stops_when_cancelled(scope_a, scope_b, registry):
    from app.alerts import scheduler

    c = await builders.customer(scope_a)
    await builders.payment(scope_a, c, 500, datetime.now(UTC).date().isoformat(), status=PaymentStatus.FAILED)

    tasks = scheduler.start(registry)
    try:
        for _ in range(100):
            if (await service.list_alerts(scope_a))[1]:
                break
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    assert sorted(t.get_name() for t in tasks) == ["alerts:cloudly", "alerts:northwind"]
    assert [a.rule for a in (await service.list_alerts(scope_a))[0]] == ["payment_failed"]
    assert all(t.done() for t in tasks)
