"""A page of customers ordered and filtered by their figures (net balance, overdue, utilisation,
collection priority), computed for every customer of the filter in one statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.plans import materialized, ordered_join
from app.db.sql import fetch_all
from app.receivables.buckets import Bucket, bucket_case
from app.receivables.repository.as_of import COVER_BASE, factor_values
from app.receivables.repository.open_items import (
    GroupBy,
    held_by_disputes,
    is_selective,
    open_items,
    probes,
    unapplied_items,
)
from app.scope import Scope


class CustomerOrder(StrEnum):
    NET_BALANCE = "net_balance"
    OVERDUE = "overdue"
    UTILISATION = "utilisation"
    PRIORITY = "priority"
    NAME = "name"


_ORDER_SQL = {
    CustomerOrder.NET_BALANCE: "net_balance DESC, id",
    CustomerOrder.OVERDUE: "overdue DESC, id",
    CustomerOrder.UTILISATION: "COALESCE(utilisation, -1) DESC, id",
    CustomerOrder.PRIORITY: "priority DESC, id",
    CustomerOrder.NAME: "legal_name, id",
}


async def customer_page(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    buckets: list[Bucket],
    factors: dict[str, Decimal],
    *,
    order: CustomerOrder,
    offset: int,
    limit: int,
    has_overdue: bool | None = None,
    over_limit: bool | None = None,
    age_weights: dict[int, str],
    risk_weight_sql: str,  # a CASE over r.risk_rating
    over_limit_bonus: Decimal,
    broken_promise_bonus: Decimal,
) -> list[dict[str, Any]]:
    """One page of customers with the figures they are ordered and filtered by, all in one query.

    Figures here are base-currency minor units converted per row with ``factors`` (unrounded): good for
    ordering and filtering; the amounts shown come from ``open_by_bucket``/``unapplied`` per customer and
    are converted by the metrics.md rule. Each row also carries ``total`` (rows before paging) and
    ``missing_currency`` (a currency without a rate, so the caller can refuse instead of showing a zero).
    """
    condition, params = customer_condition(scope, flt)
    values, fx_params = factor_values(factors)
    weight_case, weight_params = bucket_case("o.due_date", buckets, as_of, age_weights)
    filters = []
    if has_overdue is not None:
        filters.append("overdue > 0" if has_overdue else "overdue <= 0")
    if over_limit is not None:
        filters.append("is_over_limit = 1" if over_limit else "is_over_limit = 0")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    selective = is_selective(flt)
    # Each open item's amount and what its disputes hold, computed once (``materialized``): the
    # figures below name both several times. Every figure of a customer is then one row of ``parts``
    # (open items, unapplied cash, cover, broken promises, and a row of zeros for every customer of
    # the filter), summed per customer and joined to its account by id: no join of two aggregates,
    # which on SQLite is a nested loop unless it guesses to index one of them first.
    held, held_join = held_by_disputes("o.invoice_id", probes(selective))
    sql = f"""
WITH fx(currency, factor) AS (VALUES {values}),
o AS {materialized()}(
  SELECT o.*, {held} AS held FROM ({open_items(GroupBy.NONE, condition, selective)}) o{held_join}
  WHERE o.open_amount <> 0
),
parts AS (
  SELECT o.customer_id,
         o.open_amount * fx.factor AS open_base,
         CASE WHEN o.due_date < :as_of THEN o.open_amount * fx.factor ELSE 0 END AS overdue_base,
         {weight_case} * fx.factor *
           CASE WHEN o.open_amount - o.held > 0 THEN o.open_amount - o.held ELSE 0 END AS weighted_base,
         o.held * fx.factor AS disputed_base,
         CASE WHEN o.due_date < :as_of AND o.open_amount > 0 THEN o.due_date END AS oldest_overdue_due,
         0 AS unapplied_base, 0 AS cover_base, 0 AS broken,
         CASE WHEN fx.factor IS NULL THEN o.currency END AS missing
  FROM o LEFT JOIN fx ON fx.currency = o.currency
  UNION ALL
  SELECT u.customer_id, 0, 0, 0, 0, NULL, u.amount * fx.factor, 0, 0,
         CASE WHEN fx.factor IS NULL THEN u.currency END
  FROM ({unapplied_items(GroupBy.NONE, condition, selective)}) u LEFT JOIN fx ON fx.currency = u.currency
  UNION ALL
  SELECT cv.customer_id, 0, 0, 0, 0, NULL, 0, cv.cover_base, 0, NULL FROM ({COVER_BASE}) cv
  UNION ALL
  SELECT p.customer_id, 0, 0, 0, 0, NULL, 0, 0, 1, NULL FROM promise_to_pay p
  WHERE p.tenant_id = :tenant_id AND p.status = 'broken' AND p.promised_date <= :as_of
  UNION ALL
  SELECT cu.id, 0, 0, 0, 0, NULL, 0, 0, 0, NULL FROM customer_account cu WHERE {condition}
),
per_customer AS (
  SELECT p.customer_id, SUM(p.open_base) AS open_base, SUM(p.overdue_base) AS overdue_base,
         SUM(p.weighted_base) AS weighted_base, SUM(p.disputed_base) AS disputed_base,
         MIN(p.oldest_overdue_due) AS oldest_overdue_due, SUM(p.unapplied_base) AS unapplied_base,
         SUM(p.cover_base) AS cover_base, SUM(p.broken) AS broken, MAX(p.missing) AS missing
  FROM parts p GROUP BY p.customer_id
),
figures AS (
  SELECT cu.id, cu.legal_name, cu.credit_limit, cu.risk_rating,
         pc.open_base - pc.unapplied_base AS net_balance,
         pc.overdue_base AS overdue,
         pc.weighted_base AS weighted_overdue,
         pc.disputed_base AS disputed,
         pc.oldest_overdue_due,
         pc.open_base - pc.unapplied_base - pc.cover_base AS exposure,
         CASE WHEN pc.broken > 0 THEN 1 ELSE 0 END AS has_broken_promise,
         pc.missing
  FROM {ordered_join("per_customer pc", "customer_account cu", "cu.id = pc.customer_id")}
  WHERE {condition}
),
ranked AS (
  SELECT f.*,
         CASE WHEN f.credit_limit IS NULL OR f.credit_limit = 0 THEN NULL
              ELSE f.exposure * 1.0 / f.credit_limit END AS utilisation,
         CASE WHEN f.credit_limit IS NOT NULL AND f.exposure > f.credit_limit THEN 1 ELSE 0 END
           AS is_over_limit
  FROM figures f
),
scored AS (
  SELECT r.*,
         r.weighted_overdue * {risk_weight_sql}
           * (1 + CAST(:over_limit_bonus AS NUMERIC) * r.is_over_limit
                + CAST(:broken_promise_bonus AS NUMERIC) * r.has_broken_promise) AS priority
  FROM ranked r
)
SELECT s.*, COUNT(*) OVER () AS total, MAX(s.missing) OVER () AS missing_currency
FROM scored s {where}
ORDER BY {_ORDER_SQL[order]}
LIMIT :limit OFFSET :offset"""
    return await fetch_all(
        sql,
        {
            **params,
            **fx_params,
            **weight_params,
            "as_of": as_of,
            "limit": limit,
            "offset": offset,
            "over_limit_bonus": str(over_limit_bonus),
            "broken_promise_bonus": str(broken_promise_bonus),
        },
    )
