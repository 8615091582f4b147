"""Dunning in the staff API (docs/collections.md): ``dunningRuns``, ``dunningRun(id)`` with what each
run sent and skipped and why, ``dunningPreview(asOf)`` (what a run would send, sending nothing), and
``pauseDunning`` / ``resumeDunning``.

A page of runs loads its messages and skips through ``DunningMessagesByRunLoader`` and
``DunningSkipsByRunLoader``: two queries a page, however many runs.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app.collections import dunning, pauses, runs, status
from app.collections.timeline import message_pdf_url
from app.errors import LedgerportError
from app.models import DunningMessage, DunningPause, DunningRun, DunningSkip
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, act_on_id, user_errors_from
from schema.permissions import requires


@strawberry.type(description="An invoice a dunning message is about, as the message showed it.")
class DunningLine:
    invoice_id: strawberry.ID
    number: str
    due_date: date
    days_past_due: int
    open: Money = strawberry.field(description="Open and not disputed, on the run's day.")
    interest: Money


@strawberry.type(description="What a dunning message asks for in one currency: open + fee + interest.")
class DunningTotal:
    open: Money
    fee: Money
    interest: Money
    amount: Money


@strawberry.type(description="One consolidated message of a run: an email, a letter or a call task.")
class DunningMessageNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    policy: str
    step: str
    channel: str = strawberry.field(description="email, call_task or letter.")
    recipient: str
    attachment: str = strawberry.field(description="statement, letter or none.")
    pay_link: str
    pdf_url: str | None = strawberry.field(description="Its attachment: the statement or the letter.")
    lines: list[DunningLine]
    totals: list[DunningTotal]
    printed_at: datetime | None = strawberry.field(
        default=None, description="A letter: when staff marked it printed (null: in the print queue)."
    )
    printed_by: str | None = None
    charge_invoice_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The invoices billing its fee and interest (when the tenant invoices charges).",
    )
    _customer: strawberry.Private[int] = 0

    @strawberry.field(extensions=requires("ar.read"), description="The customer's legal name.")
    async def customer_name(self, info: Info) -> str:
        scope = info.context.scope
        loader = batch_loader(
            info, "DunningCustomerNameLoader", lambda ids: runs.customer_names(scope, ids), ""
        )
        return await loader.load(self._customer)


@strawberry.type(description="A customer a run did not dun, and why.")
class DunningSkipNode:
    customer_id: strawberry.ID
    reason: str = strawberry.field(
        description="dunning_off, unknown_policy, no_policy, credit_hold, paused, promised, disputed, "
        "invoices_held, below_minimum, already_messaged or no_billing_email."
    )
    detail: str


def _money(minor: int, currency: str) -> Money:
    return Money.of(minor, currency)


def message_node(m: DunningMessage) -> DunningMessageNode:
    return DunningMessageNode(
        id=strawberry.ID(encode_id("DunningMessage", m.id)),
        customer_id=strawberry.ID(encode_id("Customer", m.customer_id)),
        policy=m.policy,
        step=m.step_name,
        channel=m.channel,
        recipient=m.recipient,
        attachment=m.attachment,
        pay_link=m.pay_link,
        pdf_url=message_pdf_url(m.id, m.customer_id, m.attachment, m.sent_on),
        lines=[_line(li) for li in m.lines],
        totals=[_total(t) for t in m.totals],
        printed_at=m.printed_at,
        printed_by=m.printed_by or None,
        charge_invoice_ids=[strawberry.ID(encode_id("Invoice", i)) for i in m.charge_invoice_ids],
        _customer=m.customer_id,
    )


def _line(li: dict) -> DunningLine:
    return DunningLine(
        invoice_id=strawberry.ID(encode_id("Invoice", li["invoice_id"])),
        number=li["number"],
        due_date=date.fromisoformat(li["due_date"]),
        days_past_due=li["days_past_due"],
        open=_money(li["open"], li["currency"]),
        interest=_money(li["interest"], li["currency"]),
    )


def _total(t: dict) -> DunningTotal:
    c = t["currency"]
    return DunningTotal(
        open=_money(t["open"], c), fee=_money(t["fee"], c), interest=_money(t["interest"], c),
        amount=_money(t["amount"], c),
    )  # fmt: skip


def skip_node(s: DunningSkip) -> DunningSkipNode:
    return DunningSkipNode(
        customer_id=strawberry.ID(encode_id("Customer", s.customer_id)), reason=s.reason, detail=s.detail
    )


@strawberry.type(description="A dunning run for one day: what it sent, and whom it skipped and why.")
class DunningRunNode:
    id: strawberry.ID
    run_on: date
    trigger: str = strawberry.field(description="schedule, cli or api.")
    started_at: datetime
    finished_at: datetime | None
    sent_count: int
    skipped_count: int
    _run: strawberry.Private[DunningRun]

    @strawberry.field(extensions=requires("ar.read"))
    async def messages(self, info: Info) -> list[DunningMessageNode]:
        scope = info.context.scope
        loader = batch_loader(
            info, "DunningMessagesByRunLoader", lambda ids: runs.messages_of(scope, ids), []
        )
        return [message_node(m) for m in await loader.load(self._run.id)]

    @strawberry.field(extensions=requires("ar.read"))
    async def skipped(self, info: Info) -> list[DunningSkipNode]:
        scope = info.context.scope
        loader = batch_loader(info, "DunningSkipsByRunLoader", lambda ids: runs.skips_of(scope, ids), [])
        return [skip_node(s) for s in await loader.load(self._run.id)]


def run_node(r: DunningRun) -> DunningRunNode:
    return DunningRunNode(
        id=strawberry.ID(encode_id("DunningRun", r.id)),
        run_on=r.run_on,
        trigger=r.trigger,
        started_at=r.started_at,
        finished_at=r.finished_at,
        sent_count=r.sent,
        skipped_count=r.skipped,
        _run=r,
    )


@strawberry.type(description="What a run would send today, and whom it would skip; nothing is sent.")
class DunningPreview:
    as_of: date
    messages: list[DunningMessageNode]
    skipped: list[DunningSkipNode]


def _preview(report: dunning.RunReport) -> DunningPreview:
    messages = []
    for out in report.sent:
        p = out.planned
        messages.append(
            DunningMessageNode(
                id=strawberry.ID(""),
                customer_id=strawberry.ID(encode_id("Customer", p.customer_id)),
                policy=p.policy.name,
                step=p.step.name,
                channel=p.step.channel,
                recipient=out.recipient if p.step.channel == "email" else "",
                attachment=p.step.attachment if p.step.channel == "email" else p.step.channel,
                pay_link=out.pay_link,
                pdf_url=None,
                _customer=p.customer_id,
                lines=[
                    DunningLine(
                        invoice_id=strawberry.ID(encode_id("Invoice", li.invoice_id)),
                        number=li.number,
                        due_date=li.due_date,
                        days_past_due=li.days_past_due,
                        open=_money(li.open_amount, li.currency),
                        interest=_money(li.interest, li.currency),
                    )
                    for li in p.lines
                ],
                totals=[
                    DunningTotal(
                        open=_money(t.open_amount, t.currency),
                        fee=_money(t.fee, t.currency),
                        interest=_money(t.interest, t.currency),
                        amount=_money(t.amount, t.currency),
                    )
                    for t in p.totals
                ],
            )
        )
    skipped = [
        DunningSkipNode(
            customer_id=strawberry.ID(encode_id("Customer", s.customer_id)), reason=s.reason, detail=s.detail
        )
        for s in report.skipped
    ]
    return DunningPreview(as_of=report.run_on, messages=messages, skipped=skipped)


@strawberry.type(description="A staff pause of dunning: a customer, or one of its invoices.")
class DunningPauseNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    invoice_id: strawberry.ID | None
    reason: str
    resume_on: date | None = strawberry.field(description="null: until someone resumes it.")
    paused_by: str
    paused_at: datetime
    resumed_at: datetime | None
    resumed_by: str | None


def pause_node(p: DunningPause) -> DunningPauseNode:
    return DunningPauseNode(
        id=strawberry.ID(encode_id("DunningPause", p.id)),
        customer_id=strawberry.ID(encode_id("Customer", p.customer_id)),
        invoice_id=strawberry.ID(encode_id("Invoice", p.invoice_id)) if p.invoice_id else None,
        reason=p.reason,
        resume_on=p.resume_on,
        paused_by=p.paused_by,
        paused_at=p.created_at,
        resumed_at=p.resumed_at,
        resumed_by=p.resumed_by or None,
    )


@strawberry.input
class PauseDunningInput:
    customer_id: strawberry.ID
    invoice_id: strawberry.ID | None = strawberry.field(default=None, description="Only this invoice.")
    reason: str
    resume_on: date | None = strawberry.field(default=None, description="The day it resumes (after today).")


@strawberry.input
class ResumeDunningInput:
    id: strawberry.ID = strawberry.field(description="The pause.")


@strawberry.type
class DunningPausePayload:
    pause: DunningPauseNode | None
    user_errors: list[UserError]


@strawberry.type
class DunningQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Dunning runs, newest first.")
    async def dunning_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DunningRunNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        rows, total = await runs.list_runs(ctx.scope, page.offset, page.limit)
        return connection_of(rows, page, total, run_node)

    @strawberry.field(extensions=requires("ar.read"), description="One run; another tenant's is null.")
    async def dunning_run(self, info: Info, id: strawberry.ID) -> DunningRunNode | None:
        try:
            return run_node(await runs.get_run(info.context.scope, decode_id("DunningRun", id)))
        except LedgerportError as exc:
            if exc.code == "not_found":
                return None
            raise

    @strawberry.field(
        extensions=requires("ar.read"),
        description="What the run of asOf (default today) would send and skip; sends and writes nothing.",
    )
    async def dunning_preview(self, info: Info, as_of: date | None = None) -> DunningPreview:
        ctx = info.context
        report = await dunning.run(ctx.scope, ctx.tenant_config, as_of or ctx.today(), dry_run=True)
        return _preview(report)


@strawberry.type
class DunningMutation:
    @strawberry.mutation(
        extensions=requires("collections.act"),
        description="Hold dunning of a customer (or one invoice) until a date or until resumed.",
    )
    async def pause_dunning(self, info: Info, input: PauseDunningInput) -> DunningPausePayload:
        ctx = info.context
        try:
            customer_id = decode_id("Customer", input.customer_id)
            invoice_id = decode_id("Invoice", input.invoice_id) if input.invoice_id else None
            row = await pauses.pause(
                ctx.scope, customer_id=customer_id, invoice_id=invoice_id, reason=input.reason,
                resume_on=input.resume_on, today=ctx.today(),
            )  # fmt: skip
        except LedgerportError as exc:
            return DunningPausePayload(pause=None, user_errors=user_errors_from(exc))
        return DunningPausePayload(pause=pause_node(row), user_errors=[])

    @strawberry.mutation(extensions=requires("collections.act"), description="End a pause now.")
    async def resume_dunning(self, info: Info, input: ResumeDunningInput) -> DunningPausePayload:
        row, errors = await act_on_id(info.context.scope, "DunningPause", input.id, pauses.resume)
        return DunningPausePayload(pause=pause_node(row) if row else None, user_errors=errors)


@strawberry.type(description="Where a customer stands in dunning, by the rules the next run applies.")
class DunningStatusNode:
    policy: str | None = strawberry.field(description="null: dunning is off, or no policy fits.")
    step: str | None = strawberry.field(description="The last step it had.")
    next_step: str | None
    next_step_on: date | None = strawberry.field(description="When the next step falls due (today or later).")
    paused: bool = strawberry.field(description="Held by a staff pause, a promise to pay or a credit hold.")
    paused_until: date | None
    reason: str


def status_node(s: status.DunningStatus) -> DunningStatusNode:
    return DunningStatusNode(
        policy=s.policy, step=s.step, next_step=s.next_step, next_step_on=s.next_step_on, paused=s.paused,
        paused_until=s.paused_until, reason=s.reason,
    )  # fmt: skip
