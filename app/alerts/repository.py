"""The alerts and their history (every query through the caller's scope).

An evaluation writes inside ``evaluating()``: one transaction per tenant, serialised against other
evaluations of the same tenant (a PostgreSQL advisory lock across processes and workers; a process-wide
lock on SQLite, which has one writer anyway). The partial unique index on live alerts' keys is what
guarantees one live alert per customer and rule even without the lock (an insert of a taken key is
ignored), so a second evaluation can never duplicate one; the lock only keeps the history free of
the same escalation recorded twice.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.scoping import joined, new_row, scoped
from app.db.sql import as_int, dialect, fetch_all
from app.models import Alert, AlertEvent
from app.models.enums import AlertSeverity, AlertStatus
from app.scope import Scope

_sqlite_evaluation = asyncio.Lock()
#: First key of the two-part PostgreSQL advisory lock of an evaluation (the second is the tenant id).
_LOCK_CLASS = 41_301


@asynccontextmanager
async def evaluating(scope: Scope) -> AsyncIterator[None]:
    """One transaction in which a tenant's alerts are read and rewritten by one evaluation at a time."""
    if dialect() == "postgres":
        async with in_transaction() as conn:
            await conn.execute_query("SELECT pg_advisory_xact_lock($1, $2)", [_LOCK_CLASS, scope.tenant_id])
            yield
        return
    async with _sqlite_evaluation, in_transaction():
        yield


async def live_and_dismissed(
    scope: Scope, rules: Iterable[str], customer_ids: frozenset[int] | None
) -> tuple[list[Alert], list[Alert]]:
    """The rules' live alerts (not resolved), and their resolved ones a person dismissed (one query)."""
    query = (
        scoped(Alert, scope)
        .filter(rule__in=list(rules))
        .filter(~Q(status=AlertStatus.RESOLVED) | Q(dismissed=True))
    )
    if customer_ids is not None:
        query = query.filter(customer_id__in=sorted(customer_ids))
    rows = await query.order_by("id")
    live = [a for a in rows if a.status != AlertStatus.RESOLVED]
    return live, [a for a in rows if a.status == AlertStatus.RESOLVED]


async def insert(scope: Scope, rows: list[dict[str, Any]]) -> None:
    """Insert new alerts; one whose key a concurrent writer made live first is ignored (no duplicate)."""
    if rows:
        await Alert.bulk_create(
            [new_row(Alert, scope, **r) for r in rows], ignore_conflicts=True, batch_size=500
        )


async def save_changes(scope: Scope, updates: list[tuple[Alert, set[str]]], now: datetime) -> None:
    """Write changed alerts: one batched UPDATE per set of changed columns, never one per alert."""
    groups: dict[frozenset[str], list[Alert]] = defaultdict(list)
    for alert, fields in updates:
        if alert.tenant_id != scope.tenant_id:  # read through the scope; a guard, not a filter
            raise ValueError("an alert of another tenant")
        alert.updated_at = now
        groups[frozenset(fields | {"updated_at"})].append(alert)
    for fields, alerts in groups.items():
        await Alert.bulk_update(alerts, fields=sorted(fields), batch_size=500)


async def undismiss(scope: Scope, alert_ids: list[int]) -> None:
    if alert_ids:
        await scoped(Alert, scope).filter(id__in=alert_ids).update(dismissed=False)


async def add_events(scope: Scope, events: list[dict[str, Any]]) -> None:
    if events:
        await AlertEvent.bulk_create([new_row(AlertEvent, scope, **e) for e in events], batch_size=500)


async def events_of(scope: Scope, alert_ids: list[int]) -> dict[int, list[AlertEvent]]:
    """The history of many alerts at once, oldest first (a DataLoader batch)."""
    out: dict[int, list[AlertEvent]] = defaultdict(list)
    if alert_ids:
        for e in await scoped(AlertEvent, scope).filter(alert_id__in=alert_ids).order_by("at", "id"):
            out[e.alert_id].append(e)
    return out


async def add_event_alert(scope: Scope, **values: Any) -> Alert:
    """An alert about one event (no live key: one per occurrence, never reconciled by the rules)."""
    alert = new_row(Alert, scope, **values)
    await alert.save()
    return alert


async def by_dedupe_keys(scope: Scope, keys: list[str]) -> list[Alert]:
    return list(await scoped(Alert, scope).filter(dedupe_key__in=keys).order_by("id")) if keys else []


async def by_id(scope: Scope, alert_id: int) -> Alert | None:
    return await scoped(Alert, scope).get_or_none(id=alert_id)


async def save(alert: Alert, fields: list[str]) -> None:
    await alert.save(update_fields=[*fields, "updated_at"])


class AlertOrder(StrEnum):
    SEVERITY = "severity"
    NEWEST = "newest"
    CUSTOMER = "customer"
    OWNER = "owner"
    RULE = "rule"
    AMOUNT = "amount"
    DAYS_OVERDUE = "days_overdue"


_RANK = "CASE a.severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END"
# Within any order: the most severe first, then the oldest (alerts without a date last), then the newest.
_THEN = f"{_RANK} DESC, CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.id DESC"
_ORDER_SQL = {
    AlertOrder.SEVERITY: _THEN,
    AlertOrder.NEWEST: "a.created_at DESC, a.id DESC",
    AlertOrder.CUSTOMER: f"cu.legal_name, cu.id, {_THEN}",
    AlertOrder.OWNER: f"cu.sales_owner, cu.legal_name, cu.id, {_THEN}",
    AlertOrder.RULE: f"a.rule, {_THEN}",
    AlertOrder.AMOUNT: f"CASE WHEN a.amount IS NULL THEN 1 ELSE 0 END, a.amount DESC, {_THEN}",
    AlertOrder.DAYS_OVERDUE: f"CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, {_THEN}",
}


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts a list or its totals cover; ``None`` fields do not restrict."""

    status: AlertStatus | None = None
    unresolved: bool | None = None  # True: open, acknowledged or snoozed
    severity: AlertSeverity | None = None
    rule: str | None = None
    customer_id: int | None = None
    owner: str | None = None  # the customer's sales owner


def _where(scope: Scope, flt: AlertFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE of a list: the tenant and the caller's access rule (through the customer), the filter."""
    customers = CustomerFilter(
        sales_owner=flt.owner,
        customer_ids=frozenset({flt.customer_id}) if flt.customer_id is not None else None,
    )
    condition, params = customer_condition(scope, customers)
    if scope.sales_owner is None and scope.customer_ids is None and flt.customer_id is None and not flt.owner:
        # Alerts about the tenant itself (a webhook endpoint disabled) have no customer: they are listed
        # for callers who see every customer, never in a list narrowed to customers.
        condition = f"(a.customer_id IS NULL OR ({condition}))"
    parts = ["a.tenant_id = :tenant_id", condition]
    if flt.status is not None:
        parts.append("a.status = :status")
        params["status"] = flt.status.value
    if flt.unresolved is not None:
        parts.append("a.status <> 'resolved'" if flt.unresolved else "a.status = 'resolved'")
    if flt.severity is not None:
        parts.append("a.severity = :severity")
        params["severity"] = flt.severity.value
    if flt.rule is not None:
        parts.append("a.rule = :rule")
        params["rule"] = flt.rule
    return " AND ".join(parts), params


_FROM = "FROM alert a LEFT JOIN customer_account cu ON cu.id = a.customer_id"


async def page(
    scope: Scope, flt: AlertFilter, order: AlertOrder, offset: int, limit: int
) -> tuple[list[Alert], int]:
    """A page of alerts, each with its customer, in two statements: the ordered ids with the count
    (ordering by the customer's name or owner needs the join), then those alerts and customers."""
    where, params = _where(scope, flt)
    sql = f"""
SELECT a.id, COUNT(*) OVER () AS total_rows {_FROM} WHERE {where}
ORDER BY {_ORDER_SQL[order]} LIMIT :limit OFFSET :offset"""
    rows = await fetch_all(sql, {**params, "limit": limit, "offset": offset})
    if not rows:  # an empty page (first: 0, or past the end) still tells how many match
        return [], await count(scope, flt)
    ids = [int(r["id"]) for r in rows]
    found = {a.id: a for a in await joined(scoped(Alert, scope).filter(id__in=ids), scope, "customer")}
    return [found[i] for i in ids if i in found], int(rows[0]["total_rows"])


async def count(scope: Scope, flt: AlertFilter) -> int:
    where, params = _where(scope, flt)
    rows = await fetch_all(f"SELECT COUNT(*) AS n {_FROM} WHERE {where}", params)
    return as_int(rows[0]["n"])


async def totals_by_rule(scope: Scope, flt: AlertFilter) -> list[dict[str, Any]]:
    """(rule, count, amount, currency) of the alerts a list covers; amounts are in the base currency."""
    where, params = _where(scope, flt)
    sql = f"""
SELECT a.rule, COUNT(*) AS n, SUM(a.amount) AS amount, MAX(a.currency) AS currency
{_FROM} WHERE {where} GROUP BY a.rule ORDER BY a.rule"""
    return [
        {
            "rule": r["rule"],
            "count": as_int(r["n"]),
            "amount": None if r["amount"] is None else as_int(r["amount"]),
            "currency": r["currency"],
        }
        for r in await fetch_all(sql, params)
    ]
