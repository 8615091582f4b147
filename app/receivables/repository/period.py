"""Figures of a period (after, until]: credit sales, monthly credit sales for countback DSO,
profitability and collections (metrics.md "DSO and friends", "Profitability")."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition, is_whole_tenant
from app.db.sql import as_int, dialect, fetch_all
from app.receivables.repository.documents import CREDIT_NOTE, INVOICE, PAYMENT
from app.receivables.repository.open_items import GroupBy, group_expr, is_selective
from app.scope import Scope


def _sales(
    flt: CustomerFilter, condition: str, invoice_cols: str, note_cols: str, invoice_group: str = ""
) -> str:
    """The rows of credit sales in (:after, :until]: the invoices (``invoice_cols`` of ``i``, grouped by
    ``invoice_group`` if given) and each credit note (``note_cols`` of ``n``, negated amounts), one
    UNION ALL for the caller to aggregate."""
    selective = is_selective(flt)
    return f"""
  SELECT {invoice_cols}
  {INVOICE.in_period(condition, selective)}{invoice_group}
  UNION ALL
  SELECT {note_cols}
  {CREDIT_NOTE.in_period(condition, selective)}"""


async def credit_sales(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, currency, amount): invoices issued in (after, until] minus credit notes dated in it."""
    condition, params = customer_condition(scope, flt)
    rows_sql = _sales(
        flt,
        condition,
        f"{group_expr(group, 'i')} AS grp, i.currency, i.total AS amount",
        f"{group_expr(group, 'n')} AS grp, n.currency, -n.amount AS amount",
    )
    sql = (
        f"SELECT s.grp, s.currency, SUM(s.amount) AS amount FROM ({rows_sql}\n) s GROUP BY s.grp, s.currency"
    )
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [{"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]


def _month_of(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM')" if dialect() == "postgres" else f"substr({column}, 1, 7)"


async def monthly_credit_sales(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, month "YYYY-MM", currency, amount) of credit sales in (after, until], for countback DSO."""
    condition, params = customer_condition(scope, flt)
    # The invoices summed per day first: they come from the date index in date order, so SQLite
    # sums a day's as they come instead of sorting two years of invoices by month (then ~30 rows a
    # month are left to group).
    rows_sql = _sales(
        flt,
        condition,
        f"{group_expr(group, 'i')} AS grp, i.issue_date AS day, i.currency, SUM(i.total) AS amount",
        f"{group_expr(group, 'n')} AS grp, n.date AS day, n.currency, -n.amount AS amount",
        "\n  GROUP BY 2, 3, 1",
    )
    sql = f"""
SELECT s.grp, {_month_of("s.day")} AS month, s.currency, SUM(s.amount) AS amount FROM ({rows_sql}
) s GROUP BY 1, 2, 3"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [
        {"grp": r["grp"], "month": r["month"], "currency": r["currency"], "amount": as_int(r["amount"])}
        for r in rows
    ]


async def profitability(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.CUSTOMER
) -> list[dict[str, Any]]:
    """Per group and currency for (after, until]: revenue (invoiced net of tax minus credit notes), the
    cost of invoice lines that carry one, and whether any line did."""
    condition, params = customer_condition(scope, flt)
    grp_i = "''" if group == GroupBy.NONE else "CAST(i.customer_id AS VARCHAR(20))"
    grp_n = "''" if group == GroupBy.NONE else "CAST(n.customer_id AS VARCHAR(20))"
    lines = "FROM invoice_line l WHERE l.invoice_id = i.id AND l.tenant_id = :tenant_id"
    rows_sql = _sales(
        flt,
        condition,
        f"""{grp_i} AS grp, i.currency, i.subtotal AS revenue,
         COALESCE((SELECT SUM(l.cost) {lines}), 0) AS cost, (SELECT COUNT(l.cost) {lines}) AS costed""",
        f"{grp_n} AS grp, n.currency, -n.amount AS revenue, 0 AS cost, 0 AS costed",
    )
    sql = f"""
SELECT r.grp, r.currency, SUM(r.revenue) AS revenue, SUM(r.cost) AS cost, SUM(r.costed) AS costed
FROM ({rows_sql}
) r GROUP BY r.grp, r.currency"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [
        {
            "grp": r["grp"],
            "currency": r["currency"],
            "revenue": as_int(r["revenue"]),
            "cost": as_int(r["cost"]),
            "costed": as_int(r["costed"]),
        }
        for r in rows
    ]


async def monthly_collections(
    scope: Scope, flt: CustomerFilter, after: date, until: date
) -> list[dict[str, Any]]:
    """(month "YYYY-MM", currency, amount) of succeeded payments received in (after, until]: a trend's
    collections in one statement instead of one per month (summed per day first, as they come from the
    date index, like ``monthly_credit_sales``)."""
    condition, params = customer_condition(scope, flt)
    # For the whole tenant the payments need not probe their account (~100,000 probes a year).
    accounts = None if is_whole_tenant(scope, flt) else condition
    sql = f"""
SELECT {_month_of("s.day")} AS month, s.currency, SUM(s.amount) AS amount FROM (
  SELECT p.received_date AS day, p.currency, SUM(p.amount) AS amount
  {PAYMENT.in_period(accounts, is_selective(flt))}
  GROUP BY 1, 2
) s GROUP BY 1, 2"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [{"month": r["month"], "currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]
