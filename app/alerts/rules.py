"""The alert rules: each finds, in one set-based statement, the customers for whom its condition holds,
and describes each as a ``Candidate`` with the figures escalation compares (docs/alerts.md).

| rule | condition per customer | severity (level) | amount (base currency) |
|---|---|---|---|
| invoice_overdue | open invoices more than the first ``alerts.overdue_days`` threshold past due, not wholly disputed | warning; critical past the last threshold (level = threshold passed by the oldest) | open less disputed |
| credit_limit_exceeded | exposure above the credit limit | warning | exposure - limit |
| kyc_review | next KYC review within ``alerts.kyc_due_days`` (due) or passed (overdue) | warning (0); critical when overdue (1) | - |
| letter_of_credit_expiring | active cover expiring within ``alerts.letter_of_credit_expiry_days`` | warning | cover expiring |
| dispute_past_sla | open disputes past ``sla_due`` or opened + ``support.dispute_sla_hours`` | warning | disputed |
| promise_broken | promises marked broken, or open after their date | warning | promised |
| payment_failed | payments failed in the last 30 days with no successful payment since | warning | failed |

``invoice_overdue`` and ``dispute_past_sla`` raise an alert only from ``alerts.minimum_amount`` (base
currency, default 0) up: smaller amounts stay in the collection worklist and the support queue, which list
every overdue customer and every dispute past its SLA anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.alerts.repositories import conditions
from app.customers import service as customers
from app.customers.filters import CustomerFilter
from app.fx.service import Converter, MissingRate, all_rates
from app.models.enums import AlertSeverity
from app.money import format_decimal_string, to_minor
from app.scope import Scope
from app.tenancy.config import AlertConfig, SupportConfig, TenantConfig

FAILED_PAYMENT_LOOKBACK_DAYS = 30
SEVERITY_RANK = {AlertSeverity.INFO: 0, AlertSeverity.WARNING: 1, AlertSeverity.CRITICAL: 2}


@dataclass(frozen=True)
class Candidate:
    """A customer for whom a rule's condition holds, with the figures of the condition."""

    rule: str
    customer_id: int
    message: str
    severity: AlertSeverity = AlertSeverity.WARNING
    level: int = 0
    amount: int | None = None  # base currency minor units
    items: int = 1
    due_on: date | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """What every rule needs: the day (the tenant's), rates for it, the tenant file (``None`` for a
    targeted refresh that runs only rules needing none of it), and the customers to look at (``None``:
    all of them)."""

    today: date
    base_currency: str
    fx: Converter
    config: TenantConfig | None = None
    customer_ids: frozenset[int] | None = None

    @property
    def alerts(self) -> AlertConfig:
        return self.config.alerts if self.config else AlertConfig()

    @property
    def support(self) -> SupportConfig:
        return self.config.support if self.config else SupportConfig()

    def money(self, minor: int | None) -> str:
        if minor is None:
            return "an unknown amount"
        return f"{self.base_currency} {format_decimal_string(minor, self.base_currency)}"

    @property
    def minimum(self) -> int:
        return to_minor(self.alerts.minimum_amount, self.base_currency)


async def context_for(
    scope: Scope, config: TenantConfig, today: date, customer_ids: frozenset[int] | None = None
) -> RuleContext:
    """The context of an evaluation of ``config``'s tenant as of ``today`` (rates of that day)."""
    fx = await all_rates(scope, config.base_currency, today)
    return RuleContext(today, config.base_currency, fx, config, customer_ids)


RuleFn = Callable[[Scope, RuleContext], Awaitable[list[Candidate]]]


@dataclass(frozen=True)
class Rule:
    name: str
    find: RuleFn
    #: Why an open alert of this rule is closed when its condition no longer holds.
    cleared: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class _PerCustomer:
    """The per-currency rows of one customer, converted once per currency (metrics.md)."""

    items: int = 0
    amount: int | None = 0
    due_on: date | None = None
    by_currency: dict[str, int] = field(default_factory=dict)
    missing_rate: list[str] = field(default_factory=list)


def _per_customer(rows: list[dict[str, Any]], fx: Converter) -> dict[int, _PerCustomer]:
    out: dict[int, _PerCustomer] = defaultdict(_PerCustomer)
    for r in rows:
        c = out[r["customer_id"]]
        c.items += r["items"]
        c.by_currency[r["currency"]] = r["amount"]
        if r["due_on"] is not None and (c.due_on is None or r["due_on"] < c.due_on):
            c.due_on = r["due_on"]
        try:
            converted = fx.convert(r["amount"], r["currency"])
        except MissingRate:
            # The alert still stands; its amount is unknown rather than a silent partial sum.
            c.missing_rate.append(r["currency"])
            c.amount = None
            continue
        if c.amount is not None:
            c.amount += converted
    return out


def _details(c: _PerCustomer, **more: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"by_currency": c.by_currency, **more}
    if c.missing_rate:
        details["missing_rate"] = sorted(c.missing_rate)
    return details


def _material(c: _PerCustomer, ctx: RuleContext) -> bool:
    return c.amount is None or c.amount >= ctx.minimum


async def invoice_overdue(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    thresholds = sorted(ctx.alerts.overdue_days)
    if not thresholds:
        return []
    rows = await conditions.overdue(
        scope, ctx.today, ctx.today - timedelta(days=thresholds[0]), ctx.customer_ids
    )
    out = []
    for customer_id, c in _per_customer(rows, ctx.fx).items():
        if not _material(c, ctx) or c.due_on is None:
            continue
        days = (ctx.today - c.due_on).days
        passed = max(t for t in thresholds if days > t)
        out.append(
            Candidate(
                rule="invoice_overdue",
                customer_id=customer_id,
                message=f"{_plural(c.items, 'invoice')} more than {thresholds[0]} days overdue, {ctx.money(c.amount)} "
                f"open; the oldest, due {c.due_on}, is more than {passed} days overdue.",
                severity=AlertSeverity.CRITICAL if passed == thresholds[-1] else AlertSeverity.WARNING,
                level=passed,
                amount=c.amount,
                items=c.items,
                due_on=c.due_on,
                details=_details(c, threshold=passed),
            )
        )
    return out


async def credit_limit_exceeded(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    """Over-limit customers come from the customer list's own exposure filter (metrics.md Credit), 500 at
    a time; their exposure from one batched balance read."""
    config = ctx.config
    if config is None:
        return []
    flt = CustomerFilter(customer_ids=ctx.customer_ids)
    accounts, offset = [], 0
    while True:
        items, total = await customers.list_customers(
            scope, config, as_of=ctx.today, flt=flt, over_limit=True, with_priority=False, offset=offset,
            limit=500,
        )  # fmt: skip
        accounts += [i.customer for i in items]
        offset += len(items)
        if not items or offset >= total:
            break
    balances = await customers.balances_for(scope, config, accounts, ctx.today) if accounts else {}
    out = []
    for account in accounts:
        b = balances[account.id]
        over = b.exposure - (b.credit_limit or 0)
        if over <= 0:
            continue
        out.append(
            Candidate(
                rule="credit_limit_exceeded",
                customer_id=account.id,
                message=f"Exposure {ctx.money(b.exposure)} is {ctx.money(over)} over the credit limit "
                f"of {ctx.money(b.credit_limit or 0)}.",
                amount=over,
                details={"exposure": b.exposure, "credit_limit": b.credit_limit},
            )
        )
    return out


async def kyc_review(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    horizon = ctx.today + timedelta(days=ctx.alerts.kyc_due_days)
    out = []
    for r in await conditions.kyc_reviews_before(scope, horizon, ctx.customer_ids):
        overdue = r["due_on"] < ctx.today
        out.append(
            Candidate(
                rule="kyc_review",
                customer_id=r["customer_id"],
                message=f"The KYC review {'was' if overdue else 'is'} due on {r['due_on']}.",
                severity=AlertSeverity.CRITICAL if overdue else AlertSeverity.WARNING,
                level=1 if overdue else 0,
                amount=None,
                due_on=r["due_on"],
                details={"stage": "overdue" if overdue else "due"},
            )
        )
    return out


async def credit_review_overdue(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    """Periodic credit reviews past their date (docs/credit-and-compliance.md): one alert per customer,
    closed when a review (or an approved limit change) moves the date forward."""
    return [
        Candidate(
            rule="credit_review_overdue",
            customer_id=r["customer_id"],
            message=f"The periodic credit review was due on {r['due_on']}.",
            amount=None,
            due_on=r["due_on"],
        )
        for r in await conditions.credit_reviews_before(scope, ctx.today, ctx.customer_ids)
    ]


def _candidates(
    rule: str,
    rows: list[dict[str, Any]],
    ctx: RuleContext,
    message: Callable[[_PerCustomer, date | None], str],
    *,
    material: bool = False,
    first_due: dict[int, date] | None = None,
) -> list[Candidate]:
    """One candidate per customer of a rule's grouped rows (``first_due`` overrides the oldest date)."""
    out = []
    for customer_id, c in _per_customer(rows, ctx.fx).items():
        if material and not _material(c, ctx):
            continue
        due_on = first_due[customer_id] if first_due else c.due_on
        out.append(
            Candidate(
                rule=rule,
                customer_id=customer_id,
                message=message(c, due_on),
                amount=c.amount,
                items=c.items,
                due_on=due_on,
                details=_details(c),
            )
        )
    return out


async def letter_of_credit_expiring(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    end = ctx.today + timedelta(days=ctx.alerts.letter_of_credit_expiry_days)
    rows = await conditions.letters_expiring(scope, ctx.today, end, ctx.customer_ids)
    return _candidates(
        "letter_of_credit_expiring",
        rows,
        ctx,
        lambda c, due: (
            f"{_plural(c.items, 'letter')} of credit or guarantee covering {ctx.money(c.amount)} "
            f"expire from {due}."
        ),
    )


async def dispute_past_sla(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    """SLA = ``sla_due``, else opened (midnight UTC) + ``support.dispute_sla_hours``; past it when it is
    before the end of the tenant's day."""
    hours = timedelta(hours=ctx.support.dispute_sla_hours)
    now = datetime.combine(ctx.today, time(23, 59, 59), UTC)
    latest = now - hours  # opened (midnight) + hours < now  <=>  opened < latest
    opened_before = latest.date() + timedelta(days=1 if latest.time() > time(0) else 0)
    rows = await conditions.disputes_past_sla(scope, now, opened_before, ctx.customer_ids)
    deadlines: dict[int, date] = {}
    for r in rows:
        found = [s.astimezone(UTC).date() for s in (r["sla_due"],) if s is not None]
        if r["due_on"] is not None:
            found.append((datetime.combine(r["due_on"], time(0), UTC) + hours).date())
        first = min(found)
        deadlines[r["customer_id"]] = min(first, deadlines.get(r["customer_id"], first))
    return _candidates(
        "dispute_past_sla",
        rows,
        ctx,
        lambda c, due: (
            f"{_plural(c.items, 'open dispute')} of {ctx.money(c.amount)} past the SLA "
            f"(the first since {due})."
        ),
        material=True,
        first_due=deadlines,
    )


async def promise_broken(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    rows = await conditions.broken_promises(scope, ctx.today, ctx.customer_ids)
    return _candidates(
        "promise_broken",
        rows,
        ctx,
        lambda c, due: (
            f"{_plural(c.items, 'promise')} to pay {ctx.money(c.amount)} not kept (the first due {due})."
        ),
    )


async def payment_failed(scope: Scope, ctx: RuleContext) -> list[Candidate]:
    since = ctx.today - timedelta(days=FAILED_PAYMENT_LOOKBACK_DAYS)
    rows = await conditions.failed_payments(scope, since, ctx.customer_ids)
    return _candidates(
        "payment_failed",
        rows,
        ctx,
        lambda c, due: (
            f"{_plural(c.items, 'card payment')} of {ctx.money(c.amount)} failed (the first on "
            f"{due}) and nothing was paid since."
        ),
    )


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("invoice_overdue", invoice_overdue, "nothing is overdue past the first threshold any more "
             "(paid, credited, written off or disputed)"),
        Rule("credit_limit_exceeded", credit_limit_exceeded, "no longer over the credit limit"),
        Rule("kyc_review", kyc_review, "KYC review done: the next review is no longer due"),
        Rule("credit_review_overdue", credit_review_overdue, "credit review done: the next one is not due yet"),
        Rule("letter_of_credit_expiring", letter_of_credit_expiring, "no cover expiring soon any more "
             "(renewed, replaced, drawn or expired)"),
        Rule("dispute_past_sla", dispute_past_sla, "no open dispute past its SLA any more"),
        Rule("promise_broken", promise_broken, "no broken promise to pay any more"),
        Rule("payment_failed", payment_failed, "paid since, or the failure is older than 30 days"),
    )
}  # fmt: skip
