"""What an evaluation changes, decided without the database: the conditions found against the live
alerts (one per customer and rule) and the dismissed ones (docs/alerts.md, "Escalation and closing").

- A condition with no live alert opens one, unless a person resolved the last one while the condition
  held (``dismissed``) and it has not become more severe since.
- A condition with a live alert refreshes its figures. Worse in any of severity, stage, items, amount or
  age is an *escalation*, better in all that changed is *easing*; both are recorded as events. A rise in
  severity re-opens an acknowledged or snoozed alert; anything less leaves its status alone.
- A snoozed alert whose date has come wakes up (open again).
- A live alert whose condition is gone is closed with the rule's note; a dismissed one forgets it was
  dismissed, so the next occurrence opens a new alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.alerts.rules import SEVERITY_RANK, Candidate
from app.models import Alert
from app.models.enums import AlertSeverity, AlertStatus


def key_of(rule: str, customer_id: int) -> str:
    """The ``live_key`` of a rule's alert for a customer: unique per tenant while the alert is live."""
    return f"{rule}:{customer_id}"


@dataclass
class Plan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    #: Alerts changed in place, with the names of the columns changed.
    updates: list[tuple[Alert, set[str]]] = field(default_factory=list)
    #: (alert, kind, note, before, after) for the history.
    events: list[tuple[Alert, str, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    undismissed: list[Alert] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many alerts were opened, and (only the kinds that happened) escalated, reopened, ..."""
        kinds = [e[1] for e in self.events]
        changed = {k: kinds.count(k) for k in ("escalated", "reopened", "eased", "woken", "closed")}
        return {"opened": len(self.inserts), **{k: n for k, n in changed.items() if n}}


def snapshot(alert: Alert) -> dict[str, Any]:
    """The figures and status of an alert, JSON-ready (for the history)."""
    return {
        "status": str(alert.status),
        "severity": str(alert.severity),
        "level": alert.level,
        "amount": alert.amount,
        "items": alert.items,
        "due_on": alert.due_on.isoformat() if alert.due_on else None,
    }


def _worse_and_better(alert: Alert, c: Candidate) -> tuple[bool, bool]:
    """Whether the candidate is worse in any measure than the alert, and better in any."""
    pairs = [
        (SEVERITY_RANK[AlertSeverity(alert.severity)], SEVERITY_RANK[c.severity]),
        (alert.level, c.level),
        (alert.items, c.items),
        (alert.amount or 0, c.amount or 0),
        # An earlier oldest date is an older condition.
        (-(alert.due_on.toordinal()) if alert.due_on else 0, -(c.due_on.toordinal()) if c.due_on else 0),
    ]
    return any(new > old for old, new in pairs), any(new < old for old, new in pairs)


def _figures(c: Candidate, base_currency: str) -> dict[str, Any]:
    """The columns of an alert that a candidate sets, and that a refresh compares and rewrites."""
    return {
        "severity": c.severity,
        "level": c.level,
        "amount": c.amount,
        "currency": base_currency if c.amount is not None else None,
        "items": c.items,
        "due_on": c.due_on,
        "message": c.message[:500],
        "details": c.details,
    }


def new_row(c: Candidate, base_currency: str, now: datetime) -> dict[str, Any]:
    key = key_of(c.rule, c.customer_id)
    return {
        "rule": c.rule,
        "customer_id": c.customer_id,
        "live_key": key,
        "dedupe_key": f"{key}:{now:%Y%m%dT%H%M%S.%f}",  # this occurrence
        **_figures(c, base_currency),
    }


def _refresh(plan: Plan, alert: Alert, c: Candidate, base_currency: str, today: date, now: datetime) -> None:
    before = snapshot(alert)
    worse, better = _worse_and_better(alert, c)
    severity_rose = SEVERITY_RANK[c.severity] > SEVERITY_RANK[AlertSeverity(alert.severity)]
    changed = {name for name, value in _figures(c, base_currency).items() if getattr(alert, name) != value}
    for name, value in _figures(c, base_currency).items():
        setattr(alert, name, value)
    kind, note = "", ""
    if worse:
        kind = "escalated"
        alert.escalated_at = now
        changed.add("escalated_at")
    elif better:
        kind = "eased"
    snoozed = alert.status == AlertStatus.SNOOZED
    if severity_rose and alert.status in (AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED):
        kind, note = "reopened", f"severity rose from {before['severity']} to {c.severity.value}"
    elif snoozed and alert.snoozed_until is not None and alert.snoozed_until <= today:
        kind, note = "woken", f"snoozed until {alert.snoozed_until}"
    if kind in ("reopened", "woken"):
        alert.status, alert.snoozed_until = AlertStatus.OPEN, None
        changed |= {"status", "snoozed_until"}
    if changed:
        plan.updates.append((alert, changed))
    if kind:
        plan.events.append((alert, kind, note, before, snapshot(alert)))


def _close(plan: Plan, alert: Alert, note: str, who: str, now: datetime) -> None:
    before = snapshot(alert)
    alert.status, alert.resolved_by, alert.resolved_at = AlertStatus.RESOLVED, who, now
    alert.resolution_note, alert.snoozed_until, alert.live_key = note[:500], None, None
    fields = {"status", "resolved_by", "resolved_at", "resolution_note", "snoozed_until", "live_key"}
    plan.updates.append((alert, fields))
    plan.events.append((alert, "closed", note, before, snapshot(alert)))


def reconcile(
    candidates: list[Candidate],
    live: list[Alert],
    dismissed: list[Alert],
    *,
    cleared_notes: dict[str, str],
    base_currency: str,
    today: date,
    now: datetime,
    who: str,
) -> Plan:
    """The plan for the rules named in ``cleared_notes`` (rule -> why its alert closes); ``live`` and
    ``dismissed`` are those rules' alerts for the customers the evaluation looked at."""
    plan = Plan()
    found = {key_of(c.rule, c.customer_id): c for c in candidates}
    open_by_key = {a.live_key or key_of(a.rule, a.customer_id): a for a in live}
    dismissed_by_key: dict[str, Alert] = {}
    for a in sorted(dismissed, key=lambda a: a.id):
        dismissed_by_key[key_of(a.rule, a.customer_id)] = a  # the latest one speaks for the condition
    for key, c in found.items():
        alert = open_by_key.get(key)
        if alert is not None:
            _refresh(plan, alert, c, base_currency, today, now)
            continue
        quiet = dismissed_by_key.get(key)
        if quiet is not None:
            if SEVERITY_RANK[c.severity] <= SEVERITY_RANK[AlertSeverity(quiet.severity)]:
                continue  # resolved by a person while it held, and no more severe since
            plan.undismissed.append(quiet)
        plan.inserts.append(new_row(c, base_currency, now))
    for key, alert in open_by_key.items():
        if key not in found:
            _close(plan, alert, cleared_notes[alert.rule], who, now)
    plan.undismissed += [a for key, a in dismissed_by_key.items() if key not in found]
    return plan
