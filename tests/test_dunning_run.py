"""The dunning run: one message per customer per day listing its invoices, never a step twice, every skip
with its reason, emails through the outbox with their PDF, and letters whose fees and interest match a
hand computation. Two tenants throughout: a run of one never touches the other.

The demo tenants' ``standard`` policy (tenants/*.toml): friendly at -3 days (minimum 1.00), reminder at
+7, a call task at +21, the final notice at +45 (letter, fee 40.00, interest 8 % a year);
``high-risk`` (ratings D, E): reminder +1, call +10, final +30.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

from app.alerts import service as alerts_service
from app.alerts.repository import AlertFilter
from app.collections import dunning, pauses
from app.collections import repository as collections_repository
from app.ids import encode_id
from app.jobs import repository as jobs_repository
from app.models.enums import PromiseStatus, RiskRating, StaffRole
from tests import builders
from tests.background import run_jobs
from tests.documents_data import pdf_text
from tests.mailbox import body_of, mailbox  # noqa: F401 - the fixture

AS_OF = date(2026, 6, 30)


def attachments(message) -> list:
    return [part for part in message.walk() if part.get_filename()]


def dunned(messages) -> list[str]:
    """Recipients of the dunning emails among what was sent (schedules also mail the management pack)."""
    return [m["To"] for m in messages if m["X-Ledgerport-Template"].startswith("dunning/")]


def text_of(message) -> str:
    return next(body_of(part) for part in message.walk() if part.get_content_type() == "text/plain")


async def test_one_message_per_customer_lists_its_invoices_and_a_rerun_sends_nothing(
    mailbox,  # noqa: F811 - the fixture
    registry,
    scope_a,
    scope_b,
):
    # Given a customer of each tenant with invoices 8 and 10 days past due (the reminder step, +7)
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    first = await builders.invoice(scope_a, acme, 120000, "2026-05-20", "2026-06-20", number="N-1")
    second = await builders.invoice(scope_a, acme, 30000, "2026-05-22", "2026-06-22", number="N-2")
    await builders.invoice(
        scope_a, acme, 99000, "2026-06-25", "2026-07-25", number="N-3"
    )  # not yet due a step
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR", billing_email="ap@kunde.example")
    await builders.invoice(scope_b, kunde, 50000, "2026-05-20", "2026-06-20", currency="EUR", number="C-1")
    northwind = registry.require("northwind").config

    # When northwind's run for the day runs, and again
    report = await dunning.run(scope_a, northwind, AS_OF)
    again = await dunning.run(scope_a, northwind, AS_OF)
    await run_jobs(registry)

    # Then one email went to Acme, at the reminder step, about both overdue invoices, with its statement
    assert [(o.customer["legal_name"], o.planned.step.name) for o in report.sent] == [("Acme", "reminder")]
    assert [line.number for line in report.sent[0].planned.lines] == ["N-1", "N-2"]
    assert again.sent == [] and again.skipped == []
    assert [m["To"] for m in mailbox] == ["ap@acme.example"]
    message = mailbox[0]
    assert message["X-Ledgerport-Template"] == "dunning/reminder"
    body = text_of(message)
    assert "N-1" in body and "N-2" in body and "N-3" not in body and "C-1" not in body
    assert "Total USD: $1,500.00" in body
    (pdf,) = attachments(message)
    assert pdf.get_filename() == f"statement-{acme.account_number}-2026-06-30.pdf"
    assert "Kunde" not in pdf_text(pdf.get_payload(decode=True))
    # ...with a pay link to the account's pay page, those invoices selected
    link = report.sent[0].pay_link
    assert link in body
    parsed = urlparse(link)
    assert parsed.path == f"/portal/accounts/{encode_id('Account', acme.id)}/pay"
    assert parse_qs(parsed.query)["invoice"] == [
        encode_id("Invoice", first.id),
        encode_id("Invoice", second.id),
    ]
    # ...and cloudly's customer was not part of northwind's run
    assert await collections_repository.messages_of_customer(scope_b, kunde.id) == []
    assert [j.state.value for j in await jobs_repository.of_kind(scope_a, dunning.SEND_JOB)] == ["succeeded"]


async def test_a_step_is_never_sent_twice_and_each_invoice_moves_on_by_itself(registry, scope_a, scope_b):
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 10000, "2026-05-01", "2026-06-01", number="OLD")
    await builders.customer(scope_b, "Other", billing_email="ap@other.example")
    northwind = registry.require("northwind").config

    day_8 = await dunning.run(scope_a, northwind, date(2026, 6, 9))  # 8 days past due: reminder
    newer = await builders.invoice(scope_a, acme, 5000, "2026-06-01", "2026-06-12", number="NEW")
    later_that_day = await dunning.run(scope_a, northwind, date(2026, 6, 9))  # NEW at -3, but one a day
    day_9 = await dunning.run(scope_a, northwind, date(2026, 6, 10))  # OLD had the reminder; NEW: friendly
    day_10 = await dunning.run(scope_a, northwind, date(2026, 6, 11))  # nothing new
    day_22 = await dunning.run(scope_a, northwind, date(2026, 6, 23))  # OLD at +22: the call task

    assert [(o.planned.step.name, [li.number for li in o.planned.lines]) for o in day_8.sent] == [
        ("reminder", ["OLD"])
    ]
    assert later_that_day.sent == [] and [s.reason for s in later_that_day.skipped] == ["already_messaged"]
    assert [(o.planned.step.name, [li.number for li in o.planned.lines]) for o in day_9.sent] == [
        ("friendly", ["NEW"])
    ]
    assert day_10.sent == [] and day_10.skipped == []
    # OLD reached the call step; NEW (11 days past due) the reminder: one task about both
    assert [(o.planned.step.name, [li.number for li in o.planned.lines]) for o in day_22.sent] == [
        ("call", ["OLD", "NEW"])
    ]
    (task,) = await collections_repository.tasks(scope_a, acme.id)
    assert (task.kind, task.due_on, task.state) == ("call", date(2026, 6, 23), "open")
    assert await collections_repository.tasks(scope_b) == []
    had = await collections_repository.steps_had(scope_a, [newer.id])
    assert had == {(newer.id, "standard", 0), (newer.id, "standard", 1)}


async def test_every_customer_not_dunned_is_in_the_report_with_its_reason(registry, scope_a, scope_b):
    # Given customers all 10 days past due, each kept out of dunning by something else
    async def owing(name: str, **values):
        c = await builders.customer(scope_a, name, billing_email=f"{name.lower()}@x.example", **values)
        inv = await builders.invoice(scope_a, c, 40000, "2026-05-20", "2026-06-20", number=f"I-{name}")
        return c, inv

    off, _ = await owing("Off", dunning_policy="off")
    unknown, _ = await owing("Unknown", dunning_policy="gentle")
    held, _ = await owing("Held")
    await builders.credit_hold(scope_a, held)
    paused, _ = await owing("Paused")
    await pauses.pause(
        scope_a,
        customer_id=paused.id,
        invoice_id=None,
        reason="in talks",
        resume_on=date(2026, 7, 15),
        today=AS_OF,
    )
    promised, _ = await owing("Promised")
    await builders.promise(scope_a, promised, 40000, "2026-07-05")
    disputer, disputed_invoice = await owing("Disputer")
    await builders.dispute(scope_a, disputed_invoice, 40000, "2026-06-25")
    one_paused, inv = await owing("Onepaused")
    await pauses.pause(
        scope_a, customer_id=one_paused.id, invoice_id=inv.id, reason="wrong PO", resume_on=None, today=AS_OF
    )
    no_mail = await builders.customer(scope_a, "Nomail")
    await builders.invoice(scope_a, no_mail, 40000, "2026-05-20", "2026-06-20", number="I-Nomail")
    small = await builders.customer(scope_a, "Small", billing_email="s@x.example")
    await builders.invoice(
        scope_a, small, 50, "2026-06-20", "2026-07-02", number="I-Small"
    )  # friendly: < 1.00
    partly, part_inv = await owing("Partly")
    await builders.dispute(scope_a, part_inv, 10000, "2026-06-25")
    other = await builders.customer(scope_b, "Theirs", dunning_policy="off")
    await builders.invoice(scope_b, other, 40000, "2026-05-20", "2026-06-20", currency="EUR")

    report = await dunning.run(scope_a, registry.require("northwind").config, AS_OF)

    reasons = {s.customer_id: s.reason for s in report.skipped}
    assert reasons == {
        off.id: "dunning_off",
        unknown.id: "unknown_policy",
        held.id: "credit_hold",
        paused.id: "paused",
        promised.id: "promised",
        disputer.id: "disputed",
        one_paused.id: "invoices_held",
        no_mail.id: "no_billing_email",
        small.id: "below_minimum",
    }
    details = {s.customer_id: s.detail for s in report.skipped}
    assert "until 2026-07-15: in talks" in details[paused.id]
    assert "paused until 2026-07-08" in details[promised.id]  # promise date + 3 days' grace
    # The partly disputed customer is asked only for what is not disputed
    (out,) = report.sent
    assert out.planned.customer_id == partly.id and out.planned.lines[0].open_amount == 30000
    skips = await collections_repository.skips_of_runs(scope_a, [report.run_id])
    assert {s.customer_id: s.reason for s in skips} == reasons
    assert await collections_repository.skips_of_runs(scope_b, [report.run_id]) == []


async def test_a_broken_promise_resumes_dunning_and_raises_an_alert(registry, scope_a, scope_b):
    keeper = await builders.customer(scope_a, "Keeper", billing_email="k@x.example")
    paid = await builders.invoice(scope_a, keeper, 20000, "2026-05-01", "2026-06-01")
    kept = await builders.promise(scope_a, keeper, 20000, "2026-06-20")
    await builders.payment(scope_a, keeper, 20000, "2026-06-19", allocate=[(paid, 20000, "2026-06-19")])
    breaker = await builders.customer(scope_a, "Breaker", billing_email="b@x.example")
    await builders.invoice(scope_a, breaker, 20000, "2026-05-01", "2026-06-01")
    broken = await builders.promise(scope_a, breaker, 20000, "2026-06-20")
    theirs = await builders.customer(scope_b, "Theirs")
    await builders.promise(scope_b, theirs, 100, "2026-06-01")
    northwind = registry.require("northwind").config

    during = await dunning.run(scope_a, northwind, date(2026, 6, 23))  # promise date + 3 days: still paused
    after = await dunning.run(scope_a, northwind, date(2026, 6, 24))

    assert [s.reason for s in during.skipped] == ["promised"] and during.sent == []
    assert after.promises_broken == [broken.id] and after.promises_kept == [kept.id]
    # 23 days past due: the reminder of +7 and the call task of +21 passed while promised; it resumes at
    # the step it has reached
    assert [(o.planned.customer_id, o.planned.step.name) for o in after.sent] == [(breaker.id, "call")]
    (promise,) = [p for p, _ in await collections_repository.open_promises(scope_b)]
    assert promise.status == PromiseStatus.OPEN  # the other tenant's promise is untouched
    alerts, _ = await alerts_service.list_alerts(scope_a, AlertFilter(unresolved=True), limit=10)
    assert [(a.rule, a.customer_id) for a in alerts] == [("promise_broken", breaker.id)]


async def test_the_final_letter_shows_fee_and_interest_as_computed_by_hand(
    mailbox,  # noqa: F811 - the fixture
    registry,
    scope_a,
    scope_b,
):
    # Given 1,000.00 due 50 days ago, under the final step (+45): fee 40.00, interest 8 % a year
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 100000, "2026-04-11", "2026-05-11", number="LATE-1")
    await builders.customer(scope_b, "Theirs", billing_email="t@x.example")

    report = await dunning.run(scope_a, registry.require("northwind").config, AS_OF)
    await run_jobs(registry)

    # Then interest = 1,000.00 x 8 / 100 x 50 / 365 = 10.9589... -> 10.96; total 1,000.00 + 40.00 + 10.96
    (out,) = report.sent
    assert out.planned.step.name == "final"
    assert [(t.open_amount, t.fee, t.interest, t.amount) for t in out.planned.totals] == [
        (100000, 4000, 1096, 105096)
    ]
    (message,) = mailbox
    assert message["X-Ledgerport-Template"] == "dunning/final_notice"
    assert "Total USD: $1,050.96 (including a fee of $40.00) (including interest of $10.96)" in text_of(
        message
    )
    (letter,) = attachments(message)
    assert letter.get_filename() == f"dunning-{acme.account_number}-2026-06-30-final.pdf"
    text = pdf_text(letter.get_payload(decode=True))
    for expected in (
        "LATE-1",
        "50",
        "$1,000.00",
        "$40.00",
        "$10.96",
        "$1,050.96",
        "8 % a year",
        out.pay_link,
    ):
        assert expected in text, expected


async def test_high_risk_customers_follow_their_own_policy(registry, scope_a, scope_b):
    risky = await builders.customer(scope_a, "Risky", billing_email="r@x.example", risk_rating=RiskRating.E)
    await builders.invoice(scope_a, risky, 10000, "2026-05-01", "2026-06-28")
    await builders.customer(scope_b, "Theirs", risk_rating=RiskRating.E)

    report = await dunning.run(scope_a, registry.require("northwind").config, AS_OF)

    assert [(o.planned.policy.name, o.planned.step.name) for o in report.sent] == [("high-risk", "reminder")]


async def test_a_dry_run_reports_the_same_and_writes_nothing(registry, scope_a, scope_b):
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 10000, "2026-05-01", "2026-06-20")
    northwind = registry.require("northwind").config

    preview = await dunning.run(scope_a, northwind, AS_OF, dry_run=True)
    real = await dunning.run(scope_a, northwind, AS_OF)

    assert preview.run_id is None and real.run_id is not None
    assert [(o.planned.step.name, o.pay_link) for o in preview.sent] == [
        (o.planned.step.name, o.pay_link) for o in real.sent
    ]
    assert len(await collections_repository.messages_of_runs(scope_a, [real.run_id])) == 1


async def test_round_robin_assigns_call_tasks_to_the_collections_role(registry, scope_a, scope_b):
    from app.models import Membership, StaffUser

    user = await StaffUser.create(email="c1@northwind.example")
    await Membership.create(tenant_id=scope_a.tenant_id, user=user, role=StaffRole.COLLECTIONS)
    other = await StaffUser.create(email="c2@cloudly.example")
    await Membership.create(tenant_id=scope_b.tenant_id, user=other, role=StaffRole.COLLECTIONS)
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 10000, "2026-05-01", "2026-06-01")

    await dunning.run(scope_a, registry.require("northwind").config, AS_OF)  # 29 days: the call step

    (task,) = await collections_repository.tasks(scope_a)
    assert task.assignee == "c1@northwind.example"


async def test_the_daily_run_is_scheduled_in_the_tenant_time_zone_once_a_day(
    mailbox,  # noqa: F811 - the fixture
    registry,
    scope_a,
    scope_b,
):
    from datetime import UTC, datetime

    from app import clock
    from app.jobs import schedules
    from app.tenancy.registry import TenantFile, TenantRegistry

    def daily(slug: str) -> TenantFile:
        found = registry.require(slug)
        config = found.config.model_copy(
            update={"dunning": found.config.dunning.model_copy(update={"daily_at": "08:00"})}
        )
        return TenantFile(found.path, config)

    scheduled = TenantRegistry([daily("northwind"), daily("cloudly")])
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 10000, "2026-02-01", "2026-03-03", number="FEB")
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR", billing_email="ap@kunde.example")
    await builders.invoice(scope_b, kunde, 10000, "2026-02-01", "2026-03-03", currency="EUR", number="K-1")

    # 07:30 in Chicago on 28 February (13:30 UTC): Berlin's run of the 28th is due (14:30 there), the
    # friendly step 3 days before the due date; Chicago's latest run is still the 27th's (4 days before)
    with clock.frozen(datetime(2026, 2, 28, 13, 30, tzinfo=UTC)):
        await schedules.tick(scheduled)
        await run_jobs(scheduled)
    assert dunned(mailbox) == ["ap@kunde.example"]
    # 08:05 in Chicago: its run for the 28th (the friendly step); a second tick adds nothing
    with clock.frozen(datetime(2026, 2, 28, 14, 5, tzinfo=UTC)):
        await schedules.tick(scheduled)
        await run_jobs(scheduled)
        await schedules.tick(scheduled)
        await run_jobs(scheduled)
    assert dunned(mailbox) == ["ap@kunde.example", "ap@acme.example"]
    latest, _ = (await collections_repository.runs(scope_a, 0, 10))[0]
    assert (latest.run_on, latest.trigger, latest.sent) == (date(2026, 2, 28), "schedule", 1)
    # The 1st of March, 08:00 in Chicago: a new day's run, nothing new to say
    with clock.frozen(datetime(2026, 3, 1, 14, 0, tzinfo=UTC)):
        await schedules.tick(scheduled)
        await run_jobs(scheduled)
    assert len(dunned(mailbox)) == 2
    assert [r.run_on for r in (await collections_repository.runs(scope_a, 0, 10))[0]] == [
        date(2026, 3, 1),
        date(2026, 2, 28),
        date(2026, 2, 27),
    ]
