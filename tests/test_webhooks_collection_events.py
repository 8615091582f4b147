"""Collections' webhook events: ``promise.created`` from the staff side too, ``promise.broken`` when a run
finds a promise broken, and ``invoice.overdue`` once per invoice on the day it falls overdue (a daily job,
catching up after downtime, nothing twice). Tenant B's endpoint never hears tenant A's events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app import clock
from app.collections import activities, dunning
from app.ids import encode_id
from app.jobs import repository as jobs
from app.jobs.schedules import OVERDUE_JOB, tick
from app.webhooks import overdue
from tests import builders
from tests.background import run_jobs
from tests.webhook_world import emitted, listen, types


def _numbers(events, event_type: str) -> list[str]:
    return [d["number"] for t, d in events if t == event_type]


async def test_a_promise_recorded_by_staff_is_announced_and_a_broken_one_too(registry, scope_a, scope_b):
    await listen(scope_a, scope_b)
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    late = await builders.invoice(scope_a, acme, 100000, "2026-04-01", "2026-05-01", number="LATE-1")
    with clock.frozen(datetime(2026, 6, 1, 15, tzinfo=UTC)):
        promise = await activities.record_promise(
            scope_a,
            acme.id,
            activities.PromiseInput(date(2026, 6, 10), "1000.00", (late.id,), "on the phone"),
            date(2026, 6, 1),
        )
    # The promise passes (June 10 + 3 days of grace) with the invoice still open: the run breaks it
    report = await dunning.run(scope_a, registry.require("northwind").config, date(2026, 6, 20))

    assert report.promises_broken == [promise.id]
    events = [(t, d) for t, d in await emitted(scope_a) if t.startswith("promise.")]
    assert [(t, d["id"], d["status"], d["invoiceIds"]) for t, d in events] == [
        ("promise.created", encode_id("PromiseToPay", promise.id), "open", [encode_id("Invoice", late.id)]),
        ("promise.broken", encode_id("PromiseToPay", promise.id), "broken", [encode_id("Invoice", late.id)]),
    ]
    assert [t for t in types(await emitted(scope_b)) if t.startswith("promise.")] == []


async def test_an_invoice_is_announced_overdue_once_the_day_after_its_due_date(registry, scope_a, scope_b):
    await listen(scope_a, scope_b)
    acme = await builders.customer(scope_a, "Acme")
    for number, due in (("OLD", "2026-01-15"), ("FEB-28", "2026-02-28"), ("MAR-1", "2026-03-01")):
        await builders.invoice(scope_a, acme, 50000, "2026-01-01", due, number=number)
    paid = await builders.invoice(scope_a, acme, 50000, "2026-01-01", "2026-02-28", number="PAID")
    await builders.payment(scope_a, acme, 50000, "2026-02-20", allocate=[(paid, 50000, "2026-02-20")])
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR")
    await builders.invoice(scope_b, kunde, 50000, "2026-01-01", "2026-02-28", currency="EUR", number="B-1")

    # March 1st: the first job of each tenant announces what was due on the last day of February only
    assert await overdue.announce(scope_a, date(2026, 3, 1), None) == 1
    assert _numbers(await emitted(scope_a), "invoice.overdue") == ["FEB-28"]
    # A retry of the same day, covered through Feb 28, announces nothing twice
    assert await overdue.announce(scope_a, date(2026, 3, 1), date(2026, 2, 28)) == 0
    # After three days of downtime, the next job catches up on March 1 (and does not repeat February)
    assert await overdue.announce(scope_a, date(2026, 3, 5), date(2026, 2, 28)) == 1
    assert _numbers(await emitted(scope_a), "invoice.overdue") == ["FEB-28", "MAR-1"]
    assert _numbers(await emitted(scope_b), "invoice.overdue") == []


async def test_the_daily_job_runs_after_midnight_in_the_tenant_time_zone_and_carries_on_where_it_stopped(
    registry, scope_a, scope_b
):
    await listen(scope_a, scope_b)
    acme = await builders.customer(scope_a, "Acme")
    await builders.invoice(scope_a, acme, 50000, "2028-01-01", "2028-02-28", number="FEB-28")
    await builders.invoice(scope_a, acme, 50000, "2028-01-01", "2028-02-29", number="LEAP-DAY")
    await builders.invoice(scope_a, acme, 50000, "2028-01-01", "2028-03-01", number="MAR-1")

    # Northwind is in America/Chicago: 00:10 there on Feb 29 2028 is 06:10 UTC
    for moment in (
        datetime(2028, 2, 29, 6, 11, tzinfo=UTC),  # announces Feb 28
        datetime(2028, 3, 2, 6, 11, tzinfo=UTC),  # a day missed: announces Feb 29 and Mar 1
        datetime(2028, 3, 2, 12, 0, tzinfo=UTC),  # the same local day again: nothing
    ):
        with clock.frozen(moment):
            await tick(registry)
            await run_jobs(registry)

    northwind = await jobs.of_kind(scope_a, OVERDUE_JOB)
    assert len(northwind) == 2
    assert _numbers(await emitted(scope_a), "invoice.overdue") == ["FEB-28", "LEAP-DAY", "MAR-1"]
    assert _numbers(await emitted(scope_b), "invoice.overdue") == []


async def test_a_tenant_without_an_overdue_endpoint_writes_nothing(registry, scope_a, scope_b):
    acme = await builders.customer(scope_a, "Acme")
    await builders.invoice(scope_a, acme, 50000, "2026-01-01", "2026-02-28", number="FEB-28")

    assert await overdue.announce(scope_a, date(2026, 3, 1), None) == 0
    assert await emitted(scope_a) == []
