"""Alert evaluation: one live alert per customer and rule, escalation, easing, closing with a note,
recurrence, acknowledged / snoozed / dismissed alerts, concurrency, the tenant's day, the CLI and the loop.

The API (filters, order, totals, roles, N+1) is in test_alerts_api.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from tortoise.exceptions import IntegrityError

from app import clock
from app.alerts import repository, service
from app.alerts.jobs import evaluate_tenant
from app.alerts.repository import AlertFilter
from app.jobs import repository as jobs_repository
from app.jobs import schedules
from app.models import Alert
from app.models.enums import AlertStatus, CoverStatus, KycStatus, PaymentStatus
from app.tenancy.config import TenantConfig
from app.tenancy.service import system_scope
from tests import builders
from tests.background import run_jobs
from tests.conftest import ROOT

TODAY = date(2026, 6, 30)


def everything(registry, slug: str = "northwind") -> TenantConfig:
    """The tenant's file with no minimum amount: the small amounts of these tests raise alerts."""
    config = registry.require(slug).config
    return config.model_copy(
        update={"alerts": config.alerts.model_copy(update={"minimum_amount": Decimal(0)})}
    )


async def live(scope, **flt) -> list[Alert]:
    return (await service.list_alerts(scope, AlertFilter(unresolved=True, **flt), limit=100))[0]


async def only(scope, rule: str) -> Alert:
    (alert,) = await live(scope, rule=rule)
    return alert


async def every_condition(scope):
    c = await builders.customer(
        scope, "Risky", credit_limit=100, kyc_status=KycStatus.APPROVED, kyc_next_review=date(2026, 7, 10)
    )
    late = await builders.invoice(scope, c, 50000, "2026-02-01", "2026-03-01")  # 121 days overdue
    await builders.invoice(scope, c, 1000, "2026-05-01", "2026-05-20")  # 41 days
    await builders.invoice(scope, c, 7000, "2026-06-01", "2026-06-10")  # 20 days: not yet an alert
    await builders.letter_of_credit(scope, c, 1000, "2026-07-15", reference="LC-7")
    await builders.letter_of_credit(scope, c, 1000, "2026-07-15", status=CoverStatus.EXPIRED)
    await builders.dispute(scope, late, 100, "2026-03-01")  # SLA long past
    await builders.promise(scope, c, 100, "2026-06-01")  # still open after its date: broken
    await builders.payment(scope, c, 500, "2026-06-25", status=PaymentStatus.FAILED)
    return c


async def test_given_every_condition_when_evaluated_twice_then_one_alert_per_customer_and_rule(
    scope_a, scope_b, registry
):
    c = await every_condition(scope_a)
    await every_condition(scope_b)

    first = await service.evaluate(scope_a, everything(registry), TODAY)
    again = await service.evaluate(scope_a, everything(registry), TODAY)

    alerts = await live(scope_a)
    assert (first.created, again.created, again.changes, len(alerts)) == (7, 0, {}, 7)
    assert sorted(a.rule for a in alerts) == [
        "credit_limit_exceeded",
        "dispute_past_sla",
        "invoice_overdue",
        "kyc_review",
        "letter_of_credit_expiring",
        "payment_failed",
        "promise_broken",
    ]
    assert {a.customer_id for a in alerts} == {c.id}
    overdue = await only(scope_a, "invoice_overdue")
    # Two invoices past 30 days, 50000 + 1000 less the 100 the dispute holds; the oldest passed 90.
    assert (overdue.items, overdue.amount, overdue.currency) == (2, 50900, "USD")
    assert (overdue.severity, overdue.level, overdue.due_on) == ("critical", 90, date(2026, 3, 1))
    assert (await only(scope_a, "kyc_review")).severity == "warning"
    assert await live(scope_b) == []  # tenant B was not evaluated: nothing leaks over


async def test_given_a_worsening_condition_then_the_one_alert_escalates_and_keeps_the_history(
    scope_a, scope_b, registry
):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow")
    await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    await builders.invoice(scope_a, c, 20000, "2026-05-01", "2026-06-01")
    other = await builders.customer(scope_b, "Elsewhere", currency="EUR")
    await builders.invoice(scope_b, other, 10000, "2026-04-01", "2026-05-01", currency="EUR")

    await service.evaluate(scope_a, config, date(2026, 6, 5))  # 35 days
    opened = await only(scope_a, "invoice_overdue")
    await service.evaluate(scope_a, config, date(2026, 7, 5))  # 65 and 34 days
    second = await only(scope_a, "invoice_overdue")
    await service.evaluate(scope_a, config, date(2026, 8, 5))  # 96 and 65 days
    third = await only(scope_a, "invoice_overdue")

    assert opened.id == second.id == third.id
    figures = [(a.severity, a.level, a.items, a.amount) for a in (opened, second, third)]
    assert figures == [("warning", 30, 1, 10000), ("warning", 60, 2, 30000), ("critical", 90, 2, 30000)]
    events = (await service.history(scope_a, [opened.id]))[opened.id]
    assert [(e.kind, e.before["level"], e.after["level"]) for e in events] == [
        ("escalated", 30, 60),
        ("escalated", 60, 90),
    ]
    assert events[1].before["severity"] == "warning" and events[1].after["severity"] == "critical"
    assert third.escalated_at is not None
    assert await service.history(scope_b, [opened.id]) == {}  # another tenant's history: nothing


async def test_given_a_part_payment_then_the_alert_eases_in_place(scope_a, scope_b, registry):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow")
    oldest = await builders.invoice(scope_a, c, 10000, "2026-02-01", "2026-03-01")  # 121 days
    await builders.invoice(scope_a, c, 20000, "2026-04-20", "2026-05-20")  # 41 days
    await service.evaluate(scope_a, config, TODAY)
    critical = await only(scope_a, "invoice_overdue")

    await builders.payment(scope_a, c, 10000, "2026-06-30", allocate=[(oldest, 10000, "2026-06-30")])
    result = await service.evaluate(scope_a, config, TODAY)
    eased = await only(scope_a, "invoice_overdue")

    assert result.changes == {"eased": 1}
    assert (critical.severity, critical.items, critical.amount) == ("critical", 2, 30000)
    assert (eased.id, eased.severity, eased.level, eased.items, eased.amount) == (
        critical.id,
        "warning",
        30,
        1,
        20000,
    )
    (event,) = (await service.history(scope_a, [eased.id]))[eased.id]
    assert (event.kind, event.before["severity"], event.after["severity"]) == ("eased", "critical", "warning")


async def test_given_an_acknowledged_alert_then_only_a_rise_in_severity_reopens_it(
    scope_a, scope_b, registry
):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow")
    await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    await service.evaluate(scope_a, config, date(2026, 6, 5))
    alert = await only(scope_a, "invoice_overdue")
    await service.acknowledge(scope_a, alert.id)

    await service.evaluate(scope_a, config, date(2026, 7, 5))  # 65 days: level 30 -> 60, still a warning
    still = await only(scope_a, "invoice_overdue")
    await service.evaluate(scope_a, config, date(2026, 8, 5))  # 96 days: critical
    reopened = await only(scope_a, "invoice_overdue")

    assert (still.status, still.level, still.acknowledged_by) == ("acknowledged", 60, "system")
    assert (reopened.id, reopened.status, reopened.severity) == (alert.id, "open", "critical")
    kinds = [(e.kind, e.note) for e in (await service.history(scope_a, [alert.id]))[alert.id]]
    assert kinds == [
        ("acknowledged", ""),
        ("escalated", ""),
        ("reopened", "severity rose from warning to critical"),
    ]


async def test_given_a_snoozed_alert_then_it_wakes_on_its_date(scope_a, scope_b, registry):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow")
    await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    await service.evaluate(scope_a, config, date(2026, 6, 5))
    alert = await only(scope_a, "invoice_overdue")

    await service.snooze(scope_a, alert.id, date(2026, 6, 20), today=date(2026, 6, 5))
    await service.evaluate(scope_a, config, date(2026, 6, 19))
    asleep = await only(scope_a, "invoice_overdue")
    await service.evaluate(scope_a, config, date(2026, 6, 20))
    awake = await only(scope_a, "invoice_overdue")

    assert (asleep.status, asleep.snoozed_until) == ("snoozed", date(2026, 6, 20))
    assert (awake.status, awake.snoozed_until) == ("open", None)
    with pytest.raises(Exception, match="later day"):
        await service.snooze(scope_a, alert.id, date(2026, 6, 20), today=date(2026, 6, 20))


async def test_given_the_condition_clears_then_the_alert_closes_with_a_note_and_a_recurrence_opens_a_new_one(
    scope_a, scope_b, registry
):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow", credit_limit=5000)
    first = await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    await service.evaluate(scope_a, config, date(2026, 6, 5))
    overdue, over_limit = await only(scope_a, "invoice_overdue"), await only(scope_a, "credit_limit_exceeded")

    await builders.payment(scope_a, c, 10000, "2026-06-06", allocate=[(first, 10000, "2026-06-06")])
    closed = await service.evaluate(scope_a, config, date(2026, 6, 7))
    after_payment = await live(scope_a)
    later = await builders.invoice(scope_a, c, 3000, "2026-06-10", "2026-07-10")
    await service.evaluate(scope_a, config, date(2026, 8, 15))  # 36 days overdue; under the limit
    recurred = await only(scope_a, "invoice_overdue")

    assert (closed.created, closed.changes) == (0, {"closed": 2})
    assert after_payment == []
    old = {a.rule: a for a in (await service.list_alerts(scope_a, AlertFilter(unresolved=False)))[0]}
    assert old["invoice_overdue"].id == overdue.id and old["credit_limit_exceeded"].id == over_limit.id
    assert old["invoice_overdue"].resolution_note.startswith("nothing is overdue past the first threshold")
    assert old["credit_limit_exceeded"].resolution_note == "no longer over the credit limit"
    assert old["invoice_overdue"].resolved_by == "system"
    assert (recurred.id != overdue.id, recurred.items, recurred.amount) == (True, 1, 3000)
    assert later.id and old["invoice_overdue"].status == "resolved"


async def test_given_a_person_resolves_an_alert_whose_condition_holds_then_none_opens_until_it_worsens(
    scope_a, scope_b, registry
):
    config = everything(registry)
    c = await builders.customer(scope_a, "Slow")
    await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    await service.evaluate(scope_a, config, date(2026, 6, 5))
    alert = await only(scope_a, "invoice_overdue")

    resolved = await service.resolve(scope_a, alert.id, "customer is paying in instalments")
    await service.evaluate(scope_a, config, date(2026, 7, 5))  # 65 days: worse, but still a warning
    quiet = await live(scope_a)
    await service.evaluate(scope_a, config, date(2026, 8, 5))  # critical: more severe than when resolved
    worse = await only(scope_a, "invoice_overdue")

    assert (resolved.status, resolved.resolution_note) == ("resolved", "customer is paying in instalments")
    assert quiet == []
    assert worse.id != alert.id and worse.severity == "critical"


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "index only"])
async def test_given_two_concurrent_evaluations_then_each_alert_exists_once(
    scope_a, scope_b, registry, monkeypatch, locked
):
    """Both backends (the database fixture); without the lock, the unique live key alone still holds."""
    await every_condition(scope_a)
    await every_condition(scope_b)
    if not locked:

        @asynccontextmanager
        async def no_lock(_scope):
            yield

        monkeypatch.setattr(repository, "evaluating", no_lock)

    results = await asyncio.gather(
        *(service.evaluate(scope_a, everything(registry), TODAY) for _ in range(2))
    )

    alerts = await live(scope_a)
    assert len(alerts) == 7 and len({(a.customer_id, a.rule) for a in alerts}) == 7
    if locked:
        assert sorted(r.created for r in results) == [0, 7]


async def test_the_database_refuses_a_second_live_alert_for_a_customer_and_rule(scope_a, scope_b):
    c = await builders.customer(scope_a)
    values = {"tenant_id": scope_a.tenant_id, "customer_id": c.id, "rule": "promise_broken", "message": "x"}
    await Alert.create(**values, dedupe_key="promise_broken:1:a", live_key=f"promise_broken:{c.id}")
    await Alert.create(**values, dedupe_key="promise_broken:1:b", live_key=None, status=AlertStatus.RESOLVED)

    with pytest.raises(IntegrityError):
        await Alert.create(**values, dedupe_key="promise_broken:1:c", live_key=f"promise_broken:{c.id}")
    # The same key in the other tenant is another alert.
    other = await builders.customer(scope_b)
    await Alert.create(
        **{**values, "tenant_id": scope_b.tenant_id, "customer_id": other.id},
        dedupe_key="promise_broken:1:a",
        live_key=f"promise_broken:{c.id}",
    )


async def test_an_alert_kept_by_the_migration_gets_its_figures_on_the_next_evaluation(
    scope_a, scope_b, registry
):
    c = await builders.customer(scope_a, "Migrated")
    await builders.invoice(scope_a, c, 10000, "2026-04-01", "2026-05-01")
    kept = await Alert.create(
        tenant_id=scope_a.tenant_id,
        customer_id=c.id,
        rule="invoice_overdue",
        status=AlertStatus.ACKNOWLEDGED,
        dedupe_key="invoice_overdue:99:30",
        live_key=f"invoice_overdue:{c.id}",
        message="Invoice INV-9 is more than 30 days overdue (35 days).",
    )

    await service.evaluate(scope_a, everything(registry), date(2026, 6, 5))

    refreshed = await only(scope_a, "invoice_overdue")
    assert (refreshed.id, refreshed.status) == (kept.id, "acknowledged")
    assert (refreshed.amount, refreshed.currency, refreshed.items, refreshed.level) == (10000, "USD", 1, 30)


async def test_days_overdue_count_in_the_tenants_time_zone_across_a_month_end(scope_a, scope_b, registry):
    """03:00 UTC on 1 July is still 30 June in Chicago: an invoice due 31 May is 30 days overdue there
    (no alert past 30 days yet), though the UTC date would make it 31."""
    c = await builders.customer(scope_a, "Month end")
    await builders.invoice(scope_a, c, 10000, "2026-04-30", "2026-05-31")
    config = everything(registry)
    other = await builders.customer(scope_b, "Berlin")
    await builders.invoice(scope_b, other, 10000, "2026-04-30", "2026-05-31", currency="EUR")
    await builders.fx_rate(scope_b, "USD", "2026-01-01", "0.9")

    with clock.frozen(datetime(2026, 7, 1, 3, 0, tzinfo=UTC)):
        await service.evaluate(scope_a, config, config.today())
        before = await live(scope_a)
        await evaluate_tenant(everything(registry, "cloudly"))  # Berlin: 1 July already
        berlin = await live(scope_b)
    with clock.frozen(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)):  # 01:00 in Chicago: 1 July
        await service.evaluate(scope_a, config, config.today())
        after = await only(scope_a, "invoice_overdue")

    assert before == []
    assert (after.due_on, after.level) == (date(2026, 5, 31), 30)
    # cloudly's first threshold is 15 days: 31 days overdue in Berlin passed 30.
    assert [(a.rule, a.level) for a in berlin] == [("invoice_overdue", 30)]


async def test_cli_evaluates_alerts_for_a_tenant(db, scope_a, scope_b):
    c = await builders.customer(scope_a)
    today = clock.today_in("America/Chicago")
    await builders.payment(scope_a, c, 500, today.isoformat(), status=PaymentStatus.FAILED)
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
    assert runs[0].stdout.startswith("northwind: 1 new alerts (1 conditions found; 1 alerts not resolved)")
    assert runs[1].stdout.startswith("northwind: 0 new alerts")
    scope = await system_scope("northwind")
    assert [a.rule for a in await live(scope)] == ["payment_failed"]


async def test_the_schedule_evaluates_each_tenant_once_per_period(scope_a, scope_b, registry):
    c = await builders.customer(scope_a)
    today = clock.today_in("America/Chicago")
    await builders.payment(scope_a, c, 500, today.isoformat(), status=PaymentStatus.FAILED)

    queued = await schedules.tick(registry)
    again = await schedules.tick(registry)  # the same period: nothing more
    await run_jobs(registry)

    assert queued >= 2 and again == 0
    assert [a.rule for a in await live(scope_a)] == ["payment_failed"]
    assert await live(scope_b) == []
    for scope in (scope_a, scope_b):
        assert [j.state.value for j in await jobs_repository.of_kind(scope, "alerts.evaluate")] == [
            "succeeded"
        ]


async def test_the_demo_data_raises_a_workable_number_of_alerts(scope_a, scope_b, registry):
    """The demo seed (its tenant files, seed 42) raised 19,351 open alerts for 8,300 customers: one per
    invoice and threshold. At one alert per customer and rule, on a ledger that writes off old debts as
    a credit controller does, a tenth of the customers have one (786 and 153 at demo size, docs/alerts.md);
    here, at a tenth of the size, on the 1st of a month."""
    from app.ingest.seeder import seed_tenant

    with clock.frozen(datetime(2026, 12, 1, 15, tzinfo=UTC)):
        for scope, slug, customers in ((scope_a, "northwind", 800), (scope_b, "cloudly", 300)):
            await seed_tenant(scope, customers=customers, months=24, seed=42)
            config = registry.require(slug).config
            await service.evaluate(scope, config, config.today())
            alerts, total = await service.list_alerts(scope, AlertFilter(unresolved=True), limit=1000)

            assert total == len(alerts) and len({(a.customer_id, a.rule) for a in alerts}) == total
            assert 0 < total < customers * (0.6 if slug == "cloudly" else 0.15), (slug, total)
