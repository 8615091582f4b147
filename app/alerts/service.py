"""Evaluating the alert rules, listing alerts, and what staff do with them (docs/alerts.md).

An evaluation runs every rule once for the whole tenant (one set-based statement each), then reconciles
what it found with the live alerts in one transaction (``app.alerts.reconcile``): at most one live alert
per customer and rule, escalated, eased or closed in place, so it can run as often as the tenant file's
``alerts.evaluate_every_minutes`` says, from the server and from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app import clock
from app.alerts import repository
from app.alerts.reconcile import Plan, reconcile, snapshot
from app.alerts.repository import AlertFilter, AlertOrder
from app.alerts.rules import RULES, Candidate, RuleContext, context_for
from app.audit import service as audit
from app.auth.permissions import require
from app.errors import Conflict, NotFound, ValidationFailed
from app.fx.service import all_rates
from app.inputs.text import check_text
from app.models import Alert, AlertEvent
from app.models.enums import AlertStatus
from app.scope import Scope
from app.tenancy.config import TenantConfig
from app.tenancy.service import current_tenant


@dataclass(frozen=True)
class Evaluation:
    candidates: int  # conditions found (customer and rule)
    created: int  # alerts opened
    changes: dict[str, int] = field(default_factory=dict)  # escalated, reopened, eased, woken, closed
    live: int = 0  # alerts not resolved after the evaluation


async def _apply(
    scope: Scope, ctx: RuleContext, rules: list[str], candidates: list[Candidate], notes: dict[str, str]
) -> Plan:
    now = clock.now()
    async with repository.evaluating(scope):
        live, dismissed = await repository.live_and_dismissed(scope, rules, ctx.customer_ids)
        plan = reconcile(
            candidates,
            live,
            dismissed,
            cleared_notes=notes,
            base_currency=ctx.base_currency,
            today=ctx.today,
            now=now,
            who=scope.principal,
        )
        await repository.insert(scope, plan.inserts)
        await repository.save_changes(scope, plan.updates, now)
        await repository.undismiss(scope, [a.id for a in plan.undismissed])
        await repository.add_events(
            scope,
            [
                {
                    "alert_id": a.id,
                    "customer_id": a.customer_id,
                    "at": now,
                    "kind": kind,
                    "by": scope.principal,
                    "note": note[:500],
                    "before": before,
                    "after": after,
                }
                for a, kind, note, before, after in plan.events
            ],
        )
    return plan


async def evaluate(scope: Scope, config: TenantConfig, today: date) -> Evaluation:
    """Run every rule as of ``today`` (the tenant's date) and reconcile the tenant's alerts with it."""
    require(scope, "alerts.manage")
    ctx = await context_for(scope, config, today)
    candidates = [c for rule in RULES.values() for c in await rule.find(scope, ctx)]
    plan = await _apply(scope, ctx, list(RULES), candidates, {r.name: r.cleared for r in RULES.values()})
    counts = plan.counts
    live = await repository.count(scope, AlertFilter(unresolved=True))
    return Evaluation(candidates=len(candidates), created=counts.pop("opened"), changes=counts, live=live)


async def refresh_payment_failed(scope: Scope, customer_id: int, today: date, paid_note: str) -> None:
    """Re-evaluate the ``payment_failed`` rule for one customer right after a card payment's outcome
    (the Stripe webhook): a failure that changed nothing (the payment had already succeeded) raises
    nothing, and a success closes the customer's open alert with ``paid_note``."""
    require(scope, "alerts.manage")
    tenant = await current_tenant(scope)
    fx = await all_rates(scope, tenant.base_currency, today)
    ctx = RuleContext(
        today=today, base_currency=tenant.base_currency, fx=fx, customer_ids=frozenset({customer_id})
    )
    rule = RULES["payment_failed"]
    await _apply(scope, ctx, [rule.name], await rule.find(scope, ctx), {rule.name: paid_note})


async def list_alerts(
    scope: Scope,
    flt: AlertFilter | None = None,
    order: AlertOrder = AlertOrder.NEWEST,
    *,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Alert], int]:
    """A page of alerts (each with its customer loaded) and how many match."""
    require(scope, "ar.read")
    return await repository.page(scope, flt or AlertFilter(), order, offset, limit)


async def totals_by_rule(scope: Scope, flt: AlertFilter | None = None) -> list[dict]:
    """Per rule: how many alerts the filter covers and their amount in the base currency."""
    require(scope, "ar.read")
    return await repository.totals_by_rule(scope, flt or AlertFilter())


async def history(scope: Scope, alert_ids: list[int]) -> dict[int, list[AlertEvent]]:
    require(scope, "ar.read")
    return await repository.events_of(scope, alert_ids)


async def _act(scope: Scope, alert_id: int, kind: str, note: str = "", **changes) -> Alert:
    require(scope, "alerts.manage")
    alert = await repository.by_id(scope, alert_id)
    if alert is None:
        raise NotFound("no alert with this id", field="id")
    if alert.status == AlertStatus.RESOLVED:
        raise Conflict("the alert is already resolved", code="already_resolved", field="id")
    if alert.status == changes["status"] and alert.snoozed_until == changes["snoozed_until"]:
        return alert  # already so: nothing to record
    before = snapshot(alert)
    for name, value in changes.items():
        setattr(alert, name, value)
    await repository.save(alert, list(changes))
    event = {"alert_id": alert.id, "customer_id": alert.customer_id, "at": clock.now(), "kind": kind}
    await repository.add_events(
        scope, [{**event, "by": scope.principal, "note": note, "before": before, "after": snapshot(alert)}]
    )
    await audit.record(scope, f"alert.{kind}", target_type="alert", target_id=alert.id)
    return alert


async def acknowledge(scope: Scope, alert_id: int) -> Alert:
    """Someone is on it: the alert stays listed as acknowledged (by whom, when) while its condition only
    grows; a rise in severity re-opens it."""
    now = clock.now()
    return await _act(
        scope,
        alert_id,
        "acknowledged",
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=scope.principal,
        acknowledged_at=now,
        snoozed_until=None,
    )


async def snooze(scope: Scope, alert_id: int, until: date, today: date) -> Alert:
    """Park the alert until ``until`` (the tenant's date, after ``today``): it wakes up then, or earlier
    when its severity rises."""
    if until <= today:
        raise ValidationFailed("snooze until a later day than today", field="until", code="not_in_future")
    return await _act(
        scope, alert_id, "snoozed", f"until {until}", status=AlertStatus.SNOOZED, snoozed_until=until
    )


async def resolve(scope: Scope, alert_id: int, note: str | None = None) -> Alert:
    """Done. If the condition still holds, no new alert opens for it until it clears or grows more
    severe (the alert is ``dismissed``); an evaluation forgets that once the condition is gone."""
    note = check_text(note or "", "note", 500, multiline=True) or f"resolved by {scope.principal}"
    return await _act(
        scope,
        alert_id,
        "resolved",
        note,
        status=AlertStatus.RESOLVED,
        resolved_by=scope.principal,
        resolved_at=clock.now(),
        resolution_note=note,
        snoozed_until=None,
        live_key=None,
        dismissed=True,
    )


async def refresh_promise_broken(scope: Scope, customer_ids: list[int], today: date) -> None:
    """Re-evaluate the ``promise_broken`` rule for these customers right after a dunning run marked
    their promises broken, so collectors see it now rather than at the next evaluation."""
    require(scope, "alerts.manage")
    tenant = await current_tenant(scope)
    fx = await all_rates(scope, tenant.base_currency, today)
    ctx = RuleContext(
        today=today, base_currency=tenant.base_currency, fx=fx, customer_ids=frozenset(customer_ids)
    )
    rule = RULES["promise_broken"]
    await _apply(scope, ctx, [rule.name], await rule.find(scope, ctx), {rule.name: rule.cleared})
