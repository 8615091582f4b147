"""Invoices settled by a date, with the date that settled them: payment behaviour (days to pay,
days late, on-time rate) and the pay-date backtest (metrics.md "Customer payment behaviour")."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.sql import as_int, days_between, fetch_all
from app.receivables.repository.documents import INVOICE, Arm
from app.receivables.repository.open_items import (
    GroupBy,
    invoices_as_of,
    is_selective,
    probes,
    with_later,
)
from app.receivables.settlement import invoice_settlements
from app.scope import Scope


def _settled_invoices(condition: str, selective: bool) -> str:
    """Invoices whose open amount is 0 as of :as_of, with the date of the movement that settled them
    (the latest allocation, credit application or write-off dated <= :as_of), settled after
    :settled_after.

    An invoice settled now whose last settlement is on or before :as_of was settled then, on that date
    (the maintained ``last_settlement_on``, whose index finds the window's). Only invoices with a
    settlement after :as_of need their movements looked up (few for a recent date)."""
    probing = probes(selective)
    settled_by = invoice_settlements("x.invoice_id = o.invoice_id AND x.date <= :as_of", by_invoice=True)
    later = invoices_as_of(GroupBy.NONE, condition, selective, Arm.LATER, probing)
    in_window = f"{condition} AND i.total > 0 AND i.last_settlement_on > :settled_after"
    return f"""
SELECT i.id AS invoice_id, i.customer_id, i.currency, i.total, i.issue_date, i.due_date,
       i.last_settlement_on AS settled_on
{INVOICE.as_of(Arm.SETTLED_BY, in_window, selective)}
UNION ALL
SELECT o.invoice_id, o.customer_id, o.currency, o.total, o.issue_date, o.due_date,
       (SELECT MAX(m.date) FROM ({settled_by}) m) AS settled_on
FROM ({with_later(probing, later)}) o
WHERE o.open_amount = 0 AND o.total > 0"""


async def payment_behaviour(
    scope: Scope, flt: CustomerFilter, as_of: date, window_start: date, group: GroupBy = GroupBy.CUSTOMER
) -> list[dict[str, Any]]:
    """Per group: invoices settled in (window_start, as_of], amount weights and amount-weighted day sums
    (days to pay = settled - issued; days late = max(0, settled - due)), and how many were on time."""
    condition, params = customer_condition(scope, flt)
    to_pay = days_between("s.settled_on", "s.issue_date")
    late = days_between("s.settled_on", "s.due_date")
    grp = "''" if group == GroupBy.NONE else "CAST(s.customer_id AS VARCHAR(20))"
    sql = f"""
SELECT {grp} AS grp, COUNT(*) AS n, SUM(s.total) AS weight,
       SUM(s.total * {to_pay}) AS weighted_days_to_pay,
       SUM(CASE WHEN s.settled_on > s.due_date THEN s.total * {late} ELSE 0 END) AS weighted_days_late,
       SUM(CASE WHEN s.settled_on <= s.due_date THEN 1 ELSE 0 END) AS on_time
FROM ({_settled_invoices(condition, is_selective(flt))}) s
WHERE s.settled_on > :settled_after
GROUP BY 1"""
    rows = await fetch_all(sql, {**params, "as_of": as_of, "settled_after": window_start})
    return [
        {
            "grp": r["grp"],
            "count": as_int(r["n"]),
            "weight": as_int(r["weight"]),
            "weighted_days_to_pay": as_int(r["weighted_days_to_pay"]),
            "weighted_days_late": as_int(r["weighted_days_late"]),
            "on_time": as_int(r["on_time"]),
        }
        for r in rows
    ]


async def settled_between(
    scope: Scope, flt: CustomerFilter, as_of: date, after: date
) -> list[dict[str, Any]]:
    """Settled invoices (settled in (after, as_of]) with their dates, for the pay-date backtest."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT s.invoice_id, s.customer_id, s.total, s.due_date, s.settled_on FROM ({_settled_invoices(condition, is_selective(flt))}) s
WHERE s.settled_on > :settled_after ORDER BY s.invoice_id"""
    return await fetch_all(sql, {**params, "as_of": as_of, "settled_after": after})
