"""90 days of dunning for two tenants, day by day, as production runs it: the scheduler ticks at 08:30 in
each tenant's time zone (clock injected), the daily ``dunning.run`` job runs, its emails go through the
outbox to a real SMTP server (aiosmtpd). Northwind has a prompt payer, a late payer, a disputer, a
promiser who keeps the promise and one who breaks it, a customer paused by staff and one on credit hold;
Cloudly a late payer of its own. The test asserts the exact messages (recipient, step, invoices,
attachment, pay link) and tasks of every day, and that re-running any day produces nothing new.

Every invoice is issued on 1 January and due on 31 January (a month end); the ``standard`` policy
(tenants/*.toml) sends the friendly email 3 days before (28 Jan), the reminder at +7 (7 Feb), a call task at
+21 (21 Feb) and the final notice with its letter at +45 (17 March).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app import clock
from app.alerts import service as alerts_service
from app.alerts.repository import AlertFilter
from app.collections import dunning, pauses
from app.collections import repository as collections_repository
from app.jobs import schedules
from app.tenancy.registry import TenantFile, TenantRegistry
from tests import builders
from tests.background import run_jobs
from tests.mailbox import body_of, mailbox  # noqa: F401 - the fixture

START = date(2026, 1, 5)
DAYS = 90  # to 4 April: past the last step (17 March) and a month start, quiet after it
ISSUED, DUE = "2026-01-01", "2026-01-31"


def scheduled(registry: TenantRegistry) -> TenantRegistry:
    """The demo tenants with the daily run at 08:00 and alerts evaluated once a day (fewer jobs)."""

    def daily(slug: str) -> TenantFile:
        found = registry.require(slug)
        c = found.config
        config = c.model_copy(
            update={
                "dunning": c.dunning.model_copy(update={"daily_at": "08:00"}),
                "alerts": c.alerts.model_copy(update={"evaluate_every_minutes": 1440}),
            }
        )
        return TenantFile(found.path, config)

    return TenantRegistry([daily("northwind"), daily("cloudly")])


def at_half_past_eight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(8, 30), ZoneInfo(timezone)).astimezone(UTC)


def text_of(message) -> str:
    return next(body_of(part) for part in message.walk() if part.get_content_type() == "text/plain")


async def test_90_days_of_dunning_for_two_tenants(mailbox, registry, scope_a, scope_b):  # noqa: F811
    tenants = scheduled(registry)
    northwind, cloudly = tenants.require("northwind").config, tenants.require("cloudly").config
    people = {}

    async def owing(scope, name: str, currency: str = "USD"):
        c = await builders.customer(
            scope, name, billing_email=f"ap@{name.lower()}.example", currency=currency
        )
        inv = await builders.invoice(
            scope, c, 100000, ISSUED, DUE, currency=currency, number=f"{name[:4].upper()}-1"
        )
        people[name] = (c, inv)
        return c, inv

    for name in ("Prompt", "Late", "Disputer", "Keeper", "Breaker", "Paused", "Held"):
        await owing(scope_a, name)
    await owing(scope_b, "Kunde", "EUR")
    await builders.credit_hold(scope_a, people["Held"][0])

    async def pay(name: str, on: str):
        c, inv = people[name]
        await builders.payment(scope_a, c, 100000, on, allocate=[(inv, 100000, on)])

    async def pause_paused():
        await pauses.pause(
            scope_a, customer_id=people["Paused"][0].id, invoice_id=None, reason="new AP system",
            resume_on=date(2026, 3, 1), today=date(2026, 1, 20),
        )  # fmt: skip

    events = {
        date(2026, 1, 20): [pause_paused],
        date(2026, 1, 30): [lambda: pay("Prompt", "2026-01-30")],
        date(2026, 2, 1): [
            lambda: builders.promise(scope_a, people["Keeper"][0], 100000, "2026-02-15"),
            lambda: builders.promise(scope_a, people["Breaker"][0], 100000, "2026-02-15"),
        ],
        date(2026, 2, 3): [lambda: builders.dispute(scope_a, people["Disputer"][1], 100000, "2026-02-03")],
        date(2026, 2, 14): [lambda: pay("Keeper", "2026-02-14")],
        date(2026, 2, 25): [lambda: pay("Late", "2026-02-25")],
    }

    sent: list[tuple[date, str, str, str, str]] = []  # day, to, template, invoice, attachment
    tasks: list[tuple[date, str]] = []
    seen_tasks: set[int] = set()
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        for event in events.get(day, []):
            await event()
        before = len(mailbox)
        for moment in sorted(at_half_past_eight(day, t.timezone) for t in (northwind, cloudly)):
            with clock.frozen(moment):
                await schedules.tick(tenants)
                await run_jobs(tenants)
                await schedules.tick(tenants)  # a second worker's tick: nothing more
                await run_jobs(tenants)
        # Re-running the day (the command line, after the schedule) sends nothing new
        for scope, config in ((scope_a, northwind), (scope_b, cloudly)):
            again = await dunning.run(scope, config, day)
            assert again.sent == [], (day, again.sent)
        await run_jobs(tenants)
        for message in mailbox[before:]:
            if not message["X-Ledgerport-Template"].startswith("dunning/"):
                continue  # the management pack, on the 1st
            (attachment,) = [p.get_filename() for p in message.walk() if p.get_filename()]
            body = text_of(message)
            owner = next(n for n, (c, _) in people.items() if c.billing_email == message["To"])
            customer, invoice = people[owner]
            tenant = northwind if owner != "Kunde" else cloudly
            assert dunning.pay_link(tenant, customer.id, [invoice.id]) in body
            assert invoice.number in body
            sent.append((day, message["To"], message["X-Ledgerport-Template"], invoice.number, attachment))
        for scope in (scope_a, scope_b):
            for task in await collections_repository.tasks(scope):
                if task.id not in seen_tasks:
                    seen_tasks.add(task.id)
                    tasks.append((day, next(n for n, (c, _) in people.items() if c.id == task.customer_id)))

    def mail(day: str, name: str, template: str) -> tuple:
        customer, invoice = people[name]
        kind = "statement" if template == "dunning/reminder" else "dunning"
        step = "" if kind == "statement" else "-final"
        return (
            date.fromisoformat(day), customer.billing_email, template, invoice.number,
            f"{kind}-{customer.account_number}-{day}{step}.pdf",
        )  # fmt: skip

    friendly = sorted(
        (
            mail("2026-01-28", n, "dunning/reminder")
            for n in ("Prompt", "Late", "Disputer", "Keeper", "Breaker", "Kunde")
        ),
        key=lambda m: m[1],
    )
    assert sorted(sent[:6], key=lambda m: m[1]) == friendly
    assert sent[6:] == [
        mail("2026-02-07", "Kunde", "dunning/reminder"),
        mail("2026-02-07", "Late", "dunning/reminder"),
        mail("2026-02-19", "Breaker", "dunning/reminder"),  # the broken promise: back at the step reached
        mail("2026-03-17", "Kunde", "dunning/final_notice"),
        mail("2026-03-17", "Breaker", "dunning/final_notice"),
        mail("2026-03-17", "Paused", "dunning/final_notice"),
    ]
    assert tasks == [
        (date(2026, 2, 21), "Late"),
        (date(2026, 2, 21), "Breaker"),
        (date(2026, 2, 21), "Kunde"),
        (date(2026, 3, 1), "Paused"),  # the pause ended: it resumes at the call step it has reached
    ]
    alerts, _ = await alerts_service.list_alerts(
        scope_a, AlertFilter(unresolved=True, rule="promise_broken"), limit=10
    )
    assert [a.customer_id for a in alerts] == [people["Breaker"][0].id]
    # One scheduled run a day (the first tick, at 08:30 in Berlin on day one, ran Chicago's run of the day
    # before: the latest period that had begun), plus each day's re-run; every skip said why
    runs, total = await collections_repository.runs(scope_a, 0, 300)
    daily = sorted(r.run_on for r in runs if r.trigger == "schedule")
    assert daily == [START + timedelta(days=n) for n in range(-1, DAYS)]
    assert total == len(daily) + DAYS and sum(r.sent for r in runs if r.trigger == "cli") == 0
    skips = await collections_repository.skips_of_runs(scope_a, [r.id for r in runs])
    held = {s.reason for s in skips if s.customer_id == people["Held"][0].id}
    assert held == {"credit_hold"}
    reasons = {(s.customer_id, s.reason) for s in skips}
    assert (people["Disputer"][0].id, "disputed") in reasons
    assert (people["Keeper"][0].id, "promised") in reasons and (people["Paused"][0].id, "paused") in reasons
