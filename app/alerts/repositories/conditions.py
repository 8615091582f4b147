"""What the alert rules look at, one set-based statement per rule, grouped per customer and currency.

Each statement joins ``customer_account cu`` and puts ``customer_condition`` (the tenant, the caller's
access rule, and for a targeted refresh the customers asked for) in its WHERE, so one evaluation of a
tenant of 8,000 customers is seven statements, never one per customer. Sums come back per currency: the
rules convert them to the base currency (metrics.md, Money).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.sql import as_date, as_int, dialect, fetch_all

# ``open_items`` is receivables' definition of open(D) (metrics.md) over the maintained sums; the
# overdue rule must use that definition and no copy of it.
from app.receivables.repository.open_items import GroupBy, open_items
from app.scope import Scope

Rows = list[dict[str, Any]]


def _where(scope: Scope, customer_ids: frozenset[int] | None) -> tuple[str, dict[str, Any]]:
    return customer_condition(scope, CustomerFilter(customer_ids=customer_ids))


def _grouped(rows: Rows) -> Rows:
    """Driver-neutral values: ints for sums and counts, dates for dates."""
    return [
        {
            "customer_id": int(r["customer_id"]),
            "currency": r["currency"],
            "items": as_int(r["items"]),
            "amount": as_int(r["amount"]),
            "due_on": as_date(r["due_on"]) if r["due_on"] is not None else None,
        }
        for r in rows
    ]


async def overdue(scope: Scope, as_of: date, due_before: date, customer_ids: frozenset[int] | None) -> Rows:
    """Per customer and currency: invoices open as of ``as_of`` and due before ``due_before``, less what
    open disputes hold on them (an invoice disputed in full is not collectable, so not counted)."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT o.customer_id, o.currency, COUNT(*) AS items, SUM(o.open_amount - COALESCE(d.held, 0)) AS amount,
       MIN(o.due_date) AS due_on
FROM ({open_items(GroupBy.NONE, condition)}) o
LEFT JOIN (SELECT ds.invoice_id, SUM(ds.amount) AS held FROM dispute ds
           WHERE ds.tenant_id = :tenant_id AND ds.invoice_id IS NOT NULL AND ds.status IN ('open', 'under_review')
           GROUP BY ds.invoice_id) d ON d.invoice_id = o.invoice_id
WHERE o.open_amount - COALESCE(d.held, 0) > 0 AND o.due_date < :due_before
GROUP BY o.customer_id, o.currency"""
    return _grouped(await fetch_all(sql, {**params, "as_of": as_of, "due_before": due_before}))


def _moment(value: datetime) -> Any:
    """A timestamp parameter compared with stored ones: SQLite keeps Tortoise's ISO text with a space."""
    value = value.astimezone(UTC)
    return value.isoformat(sep=" ") if dialect() == "sqlite" else value


async def disputes_past_sla(
    scope: Scope, now: datetime, opened_before: date, customer_ids: frozenset[int] | None
) -> Rows:
    """Per customer and currency: open disputes past their SLA (``sla_due``, or for disputes without one
    opened before ``opened_before``). ``due_on`` is the earliest opening date, ``sla_due`` the earliest
    explicit SLA: the rule takes the earlier of the two deadlines."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT d.customer_id, d.currency, COUNT(*) AS items, SUM(d.amount) AS amount,
       MIN(CASE WHEN d.sla_due IS NULL THEN d.opened_on END) AS due_on, MIN(d.sla_due) AS sla_due
FROM dispute d JOIN customer_account cu ON cu.id = d.customer_id
WHERE d.tenant_id = :tenant_id AND d.status IN ('open', 'under_review') AND {condition}
  AND ((d.sla_due IS NOT NULL AND d.sla_due < :now) OR (d.sla_due IS NULL AND d.opened_on < :opened_before))
GROUP BY d.customer_id, d.currency"""
    rows = await fetch_all(sql, {**params, "now": _moment(now), "opened_before": opened_before})
    out = _grouped(rows)
    for row, raw in zip(out, rows, strict=True):
        sla = raw["sla_due"]
        row["sla_due"] = (
            None if sla is None else (sla if isinstance(sla, datetime) else datetime.fromisoformat(str(sla)))
        )
    return out


async def letters_expiring(scope: Scope, start: date, end: date, customer_ids: frozenset[int] | None) -> Rows:
    """Per customer and currency: active letters of credit / guarantees expiring in [start, end]."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT l.customer_id, l.currency, COUNT(*) AS items, SUM(l.amount) AS amount, MIN(l.expiry_date) AS due_on
FROM letter_of_credit l JOIN customer_account cu ON cu.id = l.customer_id
WHERE l.tenant_id = :tenant_id AND l.status = 'active' AND l.expiry_date >= :start AND l.expiry_date <= :end
  AND {condition}
GROUP BY l.customer_id, l.currency"""
    return _grouped(await fetch_all(sql, {**params, "start": start, "end": end}))


async def broken_promises(scope: Scope, today: date, customer_ids: frozenset[int] | None) -> Rows:
    """Per customer and currency: promises marked broken, and open ones whose date has passed."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT p.customer_id, p.currency, COUNT(*) AS items, SUM(p.amount) AS amount, MIN(p.promised_date) AS due_on
FROM promise_to_pay p JOIN customer_account cu ON cu.id = p.customer_id
WHERE p.tenant_id = :tenant_id AND {condition}
  AND (p.status = 'broken' OR (p.status = 'open' AND p.promised_date < :today))
GROUP BY p.customer_id, p.currency"""
    return _grouped(await fetch_all(sql, {**params, "today": today}))


async def failed_payments(scope: Scope, since: date, customer_ids: frozenset[int] | None) -> Rows:
    """Per customer and currency: payments that failed on or after ``since`` and were not followed by a
    successful payment of the customer (received on or after the failure): a customer who has paid since
    has nothing left to chase."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT p.customer_id, p.currency, COUNT(*) AS items, SUM(p.amount) AS amount, MIN(p.received_date) AS due_on
FROM payment p JOIN customer_account cu ON cu.id = p.customer_id
WHERE p.tenant_id = :tenant_id AND p.status = 'failed' AND p.received_date >= :since AND {condition}
  AND NOT EXISTS (SELECT 1 FROM payment q
                  WHERE q.tenant_id = :tenant_id AND q.customer_id = p.customer_id AND q.status = 'succeeded'
                    AND q.refund_of_id IS NULL AND q.received_date >= p.received_date)
GROUP BY p.customer_id, p.currency"""
    return _grouped(await fetch_all(sql, {**params, "since": since}))


async def kyc_reviews_before(scope: Scope, before: date, customer_ids: frozenset[int] | None) -> Rows:
    """(customer_id, kyc_next_review) of customers whose next KYC review is on or before ``before``."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT cu.id AS customer_id, cu.kyc_next_review FROM customer_account cu
WHERE {condition} AND cu.kyc_next_review IS NOT NULL AND cu.kyc_next_review <= :before"""
    rows = await fetch_all(sql, {**params, "before": before})
    return [{"customer_id": int(r["customer_id"]), "due_on": as_date(r["kyc_next_review"])} for r in rows]


async def credit_reviews_before(scope: Scope, before: date, customer_ids: frozenset[int] | None) -> Rows:
    """(customer_id, credit_next_review) of customers whose periodic credit review was due before ``before``."""
    condition, params = _where(scope, customer_ids)
    sql = f"""
SELECT cu.id AS customer_id, cu.credit_next_review FROM customer_account cu
WHERE {condition} AND cu.credit_next_review IS NOT NULL AND cu.credit_next_review < :before"""
    rows = await fetch_all(sql, {**params, "before": before})
    return [{"customer_id": int(r["customer_id"]), "due_on": as_date(r["credit_next_review"])} for r in rows]
