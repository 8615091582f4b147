"""The dunning run: for one day, each customer's message (at most one), or why it gets none.

A run reads the tenant's open invoices once (as of the day, with what open disputes hold), then decides
per customer, in this order, the first that applies (each a ``reason`` code in the run's report):

- ``dunning_off``: the customer's ``dunning_policy`` is "off";
- ``unknown_policy`` / ``no_policy``: its assigned policy is not in the tenant file, or none fits it;
- ``credit_hold``: it is on credit hold (``app.credit.holds``): the credit team talks to it, not a robot;
- ``paused``: staff paused it (``pauseDunning``) until a date or until resumed;
- ``promised``: an open promise to pay for the whole account, until its date plus the grace days;
- ``disputed``: open disputes hold everything it owes;
- ``invoices_held``: what would be due is all on paused, promised or disputed invoices;
- ``below_minimum``: the step's minimum overdue amount is not reached;
- ``already_messaged``: it had a message earlier today (one a day, whatever the number of runs);
- ``no_billing_email``: an email step, but the account has no billing email.

An open promise whose date plus grace has passed while something it covers is still owed is *broken*:
it is marked so in the run, stops pausing, the customer resumes at the step it has reached, and the
``promise_broken`` alert is refreshed for it. One covering nothing still owed is *kept*.

A real run writes, in one transaction: the run, each message with the steps its invoices had (unique, so
no step twice), each skip, a task for a call step, and the email job of each email message (sent after
the commit by ``app.collections.delivery``). A dry run (``dunningPreview``, ``--dry-run``) computes the
same report and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from tortoise.transactions import in_transaction

from app import clock
from app.alerts import service as alerts
from app.audit import service as audit
from app.auth.permissions import require
from app.collections import charges, repository
from app.collections.plan import OpenInvoice, Planned, Skip, plan_customer
from app.collections.tasks import assignee_for
from app.credit.holds import held_customer_ids
from app.ids import encode_id
from app.jobs.enqueue import enqueue
from app.models import PromiseToPay
from app.models.enums import PromiseStatus
from app.portal import links
from app.scope import Scope
from app.tenancy.config import TenantConfig
from app.tenancy.dunning import OFF
from app.webhooks import payloads
from app.webhooks.events import emit

SEND_JOB = "dunning.send"


@dataclass(frozen=True)
class Outgoing:
    """A message the run sends (or would send): the plan, to whom, and the pay link it carries."""

    planned: Planned
    customer: dict
    recipient: str
    pay_link: str
    message_id: int | None = None


@dataclass
class RunReport:
    run_on: date
    dry_run: bool
    run_id: int | None = None
    sent: list[Outgoing] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    promises_broken: list[int] = field(default_factory=list)
    promises_kept: list[int] = field(default_factory=list)
    #: The broken promises with the invoices each covered, for their ``promise.broken`` webhook event.
    broken_detail: list[tuple[PromiseToPay, list[int]]] = field(default_factory=list)


def pay_link(tenant: TenantConfig, customer_id: int, invoice_ids: list[int]) -> str:
    """The portal's pay page of the account with these invoices selected (after sign-in, for a contact of
    the account; anyone else gets not-found)."""
    query = urlencode([("invoice", encode_id("Invoice", i)) for i in invoice_ids])
    return links.account(tenant, customer_id) + "/pay" + (f"?{query}" if query else "")


@dataclass
class Holds:
    """What keeps a customer or some of its invoices out of today's run."""

    customer_pause: dict[int, str] = field(default_factory=dict)
    invoice_pause: set[int] = field(default_factory=set)
    customer_promise: dict[int, str] = field(default_factory=dict)
    invoice_promise: set[int] = field(default_factory=set)
    broken: list[tuple[int, int]] = field(default_factory=list)  # (promise id, customer id)
    broken_detail: list[tuple[PromiseToPay, list[int]]] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)


async def holds_on(
    scope: Scope, tenant: TenantConfig, as_of: date, owed: dict[int, list[OpenInvoice]]
) -> Holds:
    holds = Holds()
    for pause in await repository.pauses_in_force(scope, as_of):
        if pause.invoice_id is None:
            until = f"until {pause.resume_on.isoformat()}" if pause.resume_on else "until resumed"
            holds.customer_pause[pause.customer_id] = f"paused by {pause.paused_by} {until}: {pause.reason}"
        else:
            holds.invoice_pause.add(pause.invoice_id)
    grace = timedelta(days=tenant.dunning.promise_grace_days)
    for promise, invoice_ids in await repository.open_promises(scope):
        if as_of <= promise.promised_date + grace:
            if invoice_ids:
                holds.invoice_promise.update(invoice_ids)
            else:
                holds.customer_promise[promise.customer_id] = (
                    f"promised to pay by {promise.promised_date.isoformat()} "
                    f"(paused until {(promise.promised_date + grace).isoformat()})"
                )
            continue
        still_owed = [
            i
            for i in owed.get(promise.customer_id, [])
            if i.dunnable > 0 and (not invoice_ids or i.invoice_id in invoice_ids)
        ]
        if still_owed:
            holds.broken.append((promise.id, promise.customer_id))
            holds.broken_detail.append((promise, invoice_ids))
        else:
            holds.kept.append(promise.id)
    return holds


def _decide(
    tenant: TenantConfig,
    customer: dict,
    invoices: list[OpenInvoice],
    had: set[tuple[int, str, int]],
    holds: Holds,
    held: set[int],
    messaged: set[int],
    as_of: date,
) -> Planned | Skip | None:
    cid = customer["id"]
    assigned = customer["dunning_policy"]
    if assigned == OFF:
        return Skip(cid, "dunning_off", "dunning is off for this customer")
    policy = tenant.dunning.policy_for(assigned, customer["segment"], str(customer["risk_rating"]))
    if policy is None:
        if assigned:
            return Skip(cid, "unknown_policy", f"assigned policy {assigned!r} is not in the tenant file")
        return Skip(cid, "no_policy", "no dunning policy fits its segment and risk rating")
    # Whether anything at all has reached a step it has not had: only such a customer is reported.
    mine = {(i, s) for i, p, s in had if p == policy.name}
    if (
        plan_customer(cid, policy, invoices, mine, as_of) is None
        and plan_customer(cid, policy, [_undisputed(i) for i in invoices], mine, as_of) is None
    ):
        return None
    if cid in held:
        return Skip(cid, "credit_hold", "the account is on credit hold")
    if cid in holds.customer_pause:
        return Skip(cid, "paused", holds.customer_pause[cid])
    if cid in holds.customer_promise:
        return Skip(cid, "promised", holds.customer_promise[cid])
    if all(i.dunnable <= 0 for i in invoices):
        return Skip(cid, "disputed", "open disputes hold everything overdue")
    free = [
        i
        for i in invoices
        if i.invoice_id not in holds.invoice_pause and i.invoice_id not in holds.invoice_promise
    ]
    planned = plan_customer(cid, policy, free, mine, as_of)
    if planned is None:
        return Skip(cid, "invoices_held", "what is due is on paused, promised or disputed invoices")
    if isinstance(planned, Skip):
        return planned
    if cid in messaged:
        return Skip(cid, "already_messaged", "it had a dunning message earlier today")
    if planned.step.channel == "email" and not customer["billing_email"]:
        return Skip(
            cid,
            "no_billing_email",
            f"step {planned.step.name!r} is an email; the account has no billing email",
        )
    return planned


def _undisputed(invoice: OpenInvoice) -> OpenInvoice:
    return OpenInvoice(
        invoice.invoice_id,
        invoice.customer_id,
        invoice.number,
        invoice.currency,
        invoice.due_date,
        invoice.open_amount,
        0,
    )


async def run(
    scope: Scope, tenant: TenantConfig, as_of: date, *, dry_run: bool = False, trigger: str = "cli"
) -> RunReport:
    """Dun every customer of the tenant as of ``as_of`` (the tenant's date); the report of what was sent
    and skipped. ``dry_run``: the same report, nothing written or sent."""
    require(scope, "ar.read" if dry_run else "collections.act")
    report = RunReport(as_of, dry_run)
    policies = tenant.dunning.policies
    if not policies:
        return report
    earliest = min(step.offset_days for p in policies for step in p.steps)
    rows = await repository.open_invoices(scope, as_of, as_of - timedelta(days=earliest))
    owed: dict[int, list[OpenInvoice]] = {}
    for row in rows:
        owed.setdefault(row["customer_id"], []).append(
            OpenInvoice(row["invoice_id"], row["customer_id"], row["number"], row["currency"],
                        row["due_date"], row["open_amount"], row["disputed"])
        )  # fmt: skip
    customers = await repository.customers(scope, owed)
    # Every held customer of the tenant (few), not a filter of thousands of ids.
    held = await held_customer_ids(scope) & set(owed)
    holds = await holds_on(scope, tenant, as_of, owed)
    had = await repository.steps_had(scope, [r["invoice_id"] for r in rows])
    messaged = await repository.messaged_on(scope, as_of)
    broken_customers = {cid for _, cid in holds.broken}
    for cid in sorted(owed):
        decided = _decide(tenant, customers[cid], owed[cid], had, holds, held, messaged, as_of)
        if isinstance(decided, Skip):
            report.skipped.append(decided)
        elif decided is not None:
            invoice_ids = [line.invoice_id for line in decided.lines]
            report.sent.append(
                Outgoing(
                    decided,
                    customers[cid],
                    customers[cid]["billing_email"],
                    pay_link(tenant, cid, invoice_ids),
                )
            )
    report.promises_broken = [pid for pid, _ in holds.broken]
    report.broken_detail = holds.broken_detail
    report.promises_kept = holds.kept
    if dry_run:
        return report
    async with in_transaction():
        await _write(scope, tenant, report, trigger)
    if broken_customers:
        await alerts.refresh_promise_broken(scope, sorted(broken_customers), as_of)
    return report


async def _write(scope: Scope, tenant: TenantConfig, report: RunReport, trigger: str) -> None:
    """Store the run and everything it decided, and queue its emails, in the caller's transaction."""
    now = clock.now()
    await repository.mark_promises(scope, report.promises_broken, PromiseStatus.BROKEN)
    for promise, invoice_ids in report.broken_detail:
        promise.status = PromiseStatus.BROKEN
        await emit(scope, "promise.broken", payloads.promise(promise, invoice_ids))
    await repository.mark_promises(scope, report.promises_kept, PromiseStatus.KEPT)
    run_row = await repository.add_run(scope, report.run_on, trigger, now)
    report.run_id = run_row.id
    collectors = await repository.collectors(scope)
    written = []
    billing: dict[int, list[dict]] = {}
    for out in report.sent:
        planned, step = out.planned, out.planned.step
        message = await repository.add_message(
            scope,
            run_id=run_row.id,
            customer_id=planned.customer_id,
            sent_on=report.run_on,
            policy=planned.policy.name,
            step_index=planned.step_index,
            step_name=step.name,
            channel=step.channel,
            template=step.template,
            attachment=step.attachment
            if step.channel == "email"
            else ("letter" if step.channel == "letter" else "none"),
            recipient=out.recipient if step.channel == "email" else "",
            pay_link=out.pay_link,
            lines=[line_json(line) for line in planned.lines],
            totals=[total_json(t) for t in planned.totals],
            created_at=now,
        )
        await repository.add_steps(
            scope,
            message.id,
            planned.policy.name,
            [(line.invoice_id, line.step_index) for line in planned.lines],
        )
        if step.channel == "email":
            job_id = await enqueue(scope, SEND_JOB, f"dunning:{message.id}", {"message_id": message.id})
            await repository.set_message_job(scope, message.id, job_id)
        elif step.channel == "call_task":
            assignee = assignee_for(collectors, planned.customer_id)
            await repository.add_task(
                scope,
                customer_id=planned.customer_id,
                kind="call",
                title=f"Call {out.customer['legal_name']} ({step.name})",
                due_on=report.run_on,
                assignee=assignee,
                message_id=message.id,
            )
        if tenant.dunning.invoice_charges:
            billing[message.id] = charges.charge_invoices(
                tenant.dunning, message_id=message.id, customer_ref=out.customer["external_id"],
                run_on=report.run_on, step=step, lines=message.lines, totals=message.totals,
            )  # fmt: skip
        written.append(message.id)
    billed = await charges.bill(scope, [r for records in billing.values() for r in records])
    for message_id, records in billing.items():
        if records:
            ids = [billed[r["externalId"]] for r in records]
            await repository.set_message_charges(scope, message_id, ids)
    report.sent = [
        Outgoing(o.planned, o.customer, o.recipient, o.pay_link, mid)
        for o, mid in zip(report.sent, written, strict=True)
    ]
    await repository.add_skips(
        scope, run_row.id, [(s.customer_id, s.reason, s.detail) for s in report.skipped]
    )
    await repository.finish_run(scope, run_row.id, clock.now(), len(report.sent), len(report.skipped))
    await audit.record(
        scope,
        "dunning.run",
        target_type="DunningRun",
        target_id=run_row.id,
        details={
            "run_on": report.run_on.isoformat(),
            "sent": len(report.sent),
            "skipped": len(report.skipped),
        },
    )


def line_json(line) -> dict:
    return {
        "invoice_id": line.invoice_id,
        "number": line.number,
        "currency": line.currency,
        "due_date": line.due_date.isoformat(),
        "days_past_due": line.days_past_due,
        "open": line.open_amount,
        "interest": line.interest,
        "step_index": line.step_index,
    }


def total_json(total) -> dict:
    return {
        "currency": total.currency,
        "open": total.open_amount,
        "fee": total.fee,
        "interest": total.interest,
        "amount": total.amount,
    }
