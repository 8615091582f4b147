"""Aggregates as of one date: aging, unapplied cash, customer counts, disputes and cover (metrics.md
"Open amount", "Aging", "Credit")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.plans import materialized, ordered_join
from app.db.sql import as_int, fetch_all
from app.receivables.buckets import Bucket, bucket_case
from app.receivables.repository.documents import CREDIT_NOTE, INVOICE, PAYMENT, Arm
from app.receivables.repository.open_items import (
    GroupBy,
    group_expr,
    is_selective,
    open_items,
    unapplied_items,
)
from app.scope import Scope


async def open_by_bucket(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    buckets: list[Bucket],
    group: GroupBy = GroupBy.NONE,
    by_issue_date: bool = False,
) -> list[dict[str, Any]]:
    """(grp, currency, bucket, amount, count) of invoices with a non-zero open amount as of ``as_of``."""
    condition, params = customer_condition(scope, flt)
    case, bucket_params = bucket_case("o.issue_date" if by_issue_date else "o.due_date", buckets, as_of)
    sql = f"""
SELECT o.grp, o.currency, {case} AS bucket, SUM(o.open_amount) AS amount, COUNT(*) AS n
FROM ({open_items(group, condition, is_selective(flt))}) o
WHERE o.open_amount <> 0
GROUP BY 1, 2, 3"""
    rows = await fetch_all(sql, {**params, **bucket_params, "as_of": as_of})
    return [
        {
            "grp": r["grp"],
            "currency": r["currency"],
            "bucket": int(r["bucket"]),
            "amount": as_int(r["amount"]),
            "count": as_int(r["n"]),
        }
        for r in rows
    ]


async def unapplied(
    scope: Scope, flt: CustomerFilter, as_of: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, currency, amount) of cash and credit not applied to invoices as of ``as_of``."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT u.grp, u.currency, SUM(u.amount) AS amount FROM ({unapplied_items(group, condition, is_selective(flt))}) u
GROUP BY u.grp, u.currency HAVING SUM(u.amount) <> 0"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [{"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]


async def open_totals(
    scope: Scope, flt: CustomerFilter, as_of: date, buckets: list[Bucket], group: GroupBy = GroupBy.NONE
) -> dict[str, list[dict[str, Any]]]:
    """What was open and what was unapplied as of ``as_of``, per group and currency, without aging
    (AR at a period's start): ``open`` and ``unapplied`` rows of (grp, currency, amount).

    Sums need no per-invoice open amount: what was open as of D is what is open now (of documents
    dated by D) plus every movement dated after D. For a portfolio the movements after D are read once
    by date, each probing its document and customer by id, instead of each settled-later document
    probing its own (half the work at the demo's period start). A few named customers use the
    per-document form of ``as_of_aggregates``, which starts from those customers."""
    if is_selective(flt):
        found = await as_of_aggregates(scope, flt, as_of, buckets, {}, group, with_customers=False)
        return {"open": found["aging"], "unapplied": found["unapplied"]}
    condition, params = customer_condition(scope, flt)
    parts = []
    for kind, docs in (("open", (INVOICE,)), ("unapplied", (PAYMENT, CREDIT_NOTE))):
        rows = []
        for doc in docs:
            d, grp = doc.alias, group_expr(group, doc.alias)
            rows.append(f"""
  SELECT {grp} AS grp, {d}.currency, {d}.{doc.total} - {d}.{doc.done} AS amount
  {doc.as_of(Arm.OPEN_NOW, condition, False)}
  UNION ALL
  SELECT {grp} AS grp, {d}.currency, m.amount
  {doc.moved_after(condition)}""")
        parts.append(f"""
SELECT '{kind}' AS kind, t.grp, t.currency, SUM(t.amount) AS amount FROM ({" UNION ALL".join(rows)}
) t GROUP BY 2, 3 HAVING SUM(t.amount) <> 0""")
    out: dict[str, list[dict[str, Any]]] = {"open": [], "unapplied": []}
    for r in await fetch_all("\nUNION ALL".join(parts), {**params, "as_of": as_of}):
        out[r["kind"]].append({"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])})
    return out


def factor_values(factors: dict[str, Decimal]) -> tuple[str, dict[str, Any]]:
    """A VALUES list (currency, factor to base minor units) to join conversion into an aggregate."""
    rows, params = [], {}
    for n, (currency, factor) in enumerate(sorted(factors.items())):
        params[f"fx_cur{n}"], params[f"fx_factor{n}"] = currency, str(factor)
        rows.append(f"(:fx_cur{n}, CAST(:fx_factor{n} AS NUMERIC))")
    return ", ".join(rows), params


# Active letters of credit / guarantees covering :as_of per customer, in base minor units (needs ``fx``).
COVER_BASE = """
  SELECT l.customer_id, SUM(l.amount * fx.factor) AS cover_base FROM letter_of_credit l
  LEFT JOIN fx ON fx.currency = l.currency
  WHERE l.tenant_id = :tenant_id AND l.status = 'active' AND l.expiry_date >= :as_of
    AND (l.issue_date IS NULL OR l.issue_date <= :as_of)
  GROUP BY l.customer_id"""


async def as_of_aggregates(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    buckets: list[Bucket],
    factors: dict[str, Decimal],
    group: GroupBy = GroupBy.NONE,
    by_issue_date: bool = False,
    with_customers: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """Everything a summary needs as of one date, in ONE statement over the open items and unapplied
    cash (each computed once, as CTEs used twice; ``materialized`` also when the customer counts are
    left out, so SQLite does not evaluate each row's add-back again for the filter on it):

    - ``aging``: (grp, currency, bucket, amount, count) of invoices with a non-zero open amount;
    - ``unapplied``: (grp, currency, amount) of cash and credit not applied to invoices;
    - ``customers`` (when ``with_customers``): (grp, with_balance, over_limit): customers whose net
      balance, converted with ``factors`` (base minor units per minor unit), is positive, and those whose
      exposure (net balance - active cover, metrics.md) exceeds their credit limit. A currency without
      a factor drops out of this comparison; the service refuses the figures anyway when it meets that
      currency in the aging or unapplied rows.
    """
    condition, params = customer_condition(scope, flt)
    selective = is_selective(flt)
    case, bucket_params = bucket_case("o.issue_date" if by_issue_date else "o.due_date", buckets, as_of)
    customer_group = "''" if group == GroupBy.CURRENCY else "x.grp"
    customers_sql = ""
    fx_params: dict[str, Any] = {}
    fx_cte = ""
    if with_customers and factors:
        values, fx_params = factor_values(factors)
        fx_cte = f"fx(currency, factor) AS (VALUES {values}),"
        # Every open item and unapplied amount once, each converted by its currency's row of ``fx``
        # (on SQLite the items are the outer loop: with ``fx`` outer it read them all once per currency).
        items = ordered_join(
            """(SELECT o.customer_id, o.grp, o.currency, o.open_amount AS amount FROM o
        UNION ALL
        SELECT u.customer_id, u.grp, u.currency, -u.amount FROM u) x""",
            "fx",
            "fx.currency = x.currency",
        )
        customers_sql = f"""
UNION ALL
SELECT 'customers', pc.grp, '', 0,
       SUM(CASE WHEN pc.balance > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN cu.credit_limit IS NOT NULL AND pc.balance - COALESCE(cv.cover_base, 0) > cu.credit_limit
                THEN 1 ELSE 0 END)
FROM (
  SELECT x.customer_id, {customer_group} AS grp, SUM(x.amount * fx.factor) AS balance
  FROM {items}
  GROUP BY 1, 2
) pc JOIN customer_account cu ON cu.id = pc.customer_id
LEFT JOIN ({COVER_BASE}) cv ON cv.customer_id = pc.customer_id
GROUP BY 2"""
    sql = f"""
WITH {fx_cte}
o AS {materialized()}({open_items(group, condition, selective)}),
u AS {materialized()}({unapplied_items(group, condition, selective)})
SELECT 'aging' AS kind, o.grp AS grp, o.currency AS currency, {case} AS bucket,
       SUM(o.open_amount) AS amount, COUNT(*) AS n
FROM o WHERE o.open_amount <> 0 GROUP BY 2, 3, 4
UNION ALL
SELECT 'unapplied', u.grp, u.currency, 0, SUM(u.amount), 0 FROM u GROUP BY 2, 3 HAVING SUM(u.amount) <> 0
{customers_sql}"""
    rows = await fetch_all(sql, {**params, **bucket_params, **fx_params, "as_of": as_of})
    out: dict[str, list[dict[str, Any]]] = {"aging": [], "unapplied": [], "customers": []}
    for r in rows:
        if r["kind"] == "aging":
            out["aging"].append(
                {
                    "grp": r["grp"],
                    "currency": r["currency"],
                    "bucket": int(r["bucket"]),
                    "amount": as_int(r["amount"]),
                    "count": as_int(r["n"]),
                }
            )
        elif r["kind"] == "unapplied":
            out["unapplied"].append(
                {"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])}
            )
        else:
            out["customers"].append(
                {"grp": r["grp"], "with_balance": as_int(r["amount"]), "over_limit": as_int(r["n"])}
            )
    return out


async def open_disputes(
    scope: Scope, flt: CustomerFilter, as_of: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, currency, count, amount) of disputes opened on or before ``as_of`` and still open or under
    review (disputes carry no dated history of their status, so this is their current state)."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT {group_expr(group, "d")} AS grp, d.currency, COUNT(*) AS n, SUM(d.amount) AS amount
FROM dispute d JOIN customer_account cu ON cu.id = d.customer_id
WHERE d.tenant_id = :tenant_id AND d.opened_on <= :as_of AND d.status IN ('open', 'under_review')
  AND {condition}
GROUP BY 1, 2"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [
        {"grp": r["grp"], "currency": r["currency"], "count": as_int(r["n"]), "amount": as_int(r["amount"])}
        for r in rows
    ]


async def cover_by_customer(scope: Scope, customer_ids: list[int], as_of: date) -> list[dict[str, Any]]:
    """(customer, currency, amount) of active letters of credit and guarantees covering ``as_of``."""
    condition, params = customer_condition(scope, CustomerFilter(customer_ids=frozenset(customer_ids)))
    sql = f"""
SELECT l.customer_id, l.currency, SUM(l.amount) AS amount
FROM letter_of_credit l JOIN customer_account cu ON cu.id = l.customer_id
WHERE l.tenant_id = :tenant_id AND l.status = 'active' AND l.expiry_date >= :as_of
  AND (l.issue_date IS NULL OR l.issue_date <= :as_of) AND {condition}
GROUP BY l.customer_id, l.currency"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [
        {"customer_id": r["customer_id"], "currency": r["currency"], "amount": as_int(r["amount"])}
        for r in rows
    ]
