"""Every receivables aggregate, in SQL, as of a date (metrics.md "Open amount" and "Aging").

All queries share two building blocks:

- ``_open_items``: invoices issued <= D, neither void nor draft, with open(D) = total - allocations of
  succeeded payments dated <= D - credit applications dated <= D - write-offs dated <= D. It is computed
  as what is open now (``total - settled``, maintained by ``app.receivables.settlement`` with every write)
  plus the settlements dated after D, and only for invoices that can be open as of D: open now, or
  settled by a settlement after D. Later payments therefore never change an earlier date's figure, and a
  recent date reads the open items alone (a partial index) instead of every invoice and movement.
- ``_unapplied``: payments (succeeded, received <= D) minus their allocations dated <= D, plus credit notes
  dated <= D minus their applications dated <= D, computed the same way from ``applied``.

Each joins ``customer_account cu`` and puts ``customer_condition`` (tenant, access rule, filter) in its
WHERE; the tenant id is also repeated on every sub-select. Sums come back per group and currency: the
service converts them to the base currency. Nothing is summed in Python.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.sql import as_int, dialect, fetch_all
from app.inputs.text import like_contains
from app.receivables.buckets import Bucket, bucket_case
from app.receivables.settlement import invoice_settlements
from app.scope import Scope


class GroupBy(StrEnum):
    NONE = "none"
    REGION = "region"
    SEGMENT = "segment"
    COUNTRY = "country"
    CURRENCY = "currency"
    RISK_RATING = "risk_rating"
    SALES_OWNER = "sales_owner"
    CUSTOMER = "customer"


def _group_expr(group: GroupBy, doc: str) -> str:
    """The SQL of the group key for a document table aliased ``doc`` (CURRENCY groups by its currency)."""
    if group == GroupBy.NONE:
        return "''"
    if group == GroupBy.CURRENCY:
        return f"{doc}.currency"
    if group == GroupBy.CUSTOMER:
        return "CAST(cu.id AS VARCHAR(20))"
    return f"cu.{group.value}"


# What is open now (``total - settled``) is maintained with every write (app.receivables.settlement);
# what was open as of :as_of adds back the settlements dated after it. Only an invoice whose last
# settlement is after :as_of has any, so the add-back is skipped (CASE) for every other row.
_LATER_SETTLED = f"""CASE WHEN i.last_settlement_on > :as_of THEN
  COALESCE((SELECT SUM(m.amount) FROM ({invoice_settlements("x.invoice_id = i.id AND x.date > :as_of")}) m), 0)
  ELSE 0 END"""

# The same add-back for a portfolio: every settlement dated after :as_of, grouped once per invoice
# (the (tenant_id, date) indexes find them) and hash-joined, instead of probing per invoice. A CTE, so the
# two halves of ``_open_items`` share one grouping.
_LATER_SETTLED_CTE = f"""lt AS (
  SELECT m.owner_id AS invoice_id, SUM(m.amount) AS amount
  FROM ({invoice_settlements("x.date > :as_of")}) m GROUP BY m.owner_id)"""


def _invoices_as_of(group: GroupBy, condition: str, selective: bool, which: str) -> str:
    """Invoices issued by :as_of, neither void nor draft, with ``open_amount`` as of :as_of.

    ``which`` narrows the rows in SQL: "" (all), "i.total <> i.settled" (open now: the partial index
    ``invoice_open_now``) or "i.total = i.settled AND i.last_settlement_on > :as_of" (settled now, but
    by a settlement after :as_of)."""
    later = _LATER_SETTLED if selective else "COALESCE(lt.amount, 0)"
    joined = "" if selective else "\nLEFT JOIN lt ON lt.invoice_id = i.id"
    return f"""
SELECT i.id AS invoice_id, i.customer_id, i.number, i.status, i.currency, i.due_date, i.issue_date, i.total,
       i.last_settlement_on, {_group_expr(group, "i")} AS grp,
       i.total - i.settled + {later} AS open_amount
FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id{joined}
WHERE i.tenant_id = :tenant_id AND i.issue_date <= :as_of AND i.status NOT IN ('void', 'draft')
  AND {condition}{f" AND {which}" if which else ""}"""


def _with_later(selective: bool, body: str) -> str:
    """``body`` (which may use ``lt``), preceded by the portfolio add-back CTE when it needs it."""
    return body if selective else f"WITH {_LATER_SETTLED_CTE}\n{body}"


_OPEN_NOW = "i.total <> i.settled"
_SETTLED_LATER = "i.total = i.settled AND i.last_settlement_on > :as_of"


def _open_items(group: GroupBy, condition: str, selective: bool = False) -> str:
    """Invoices that may be open as of :as_of (callers keep ``open_amount <> 0``): those open now, and
    those settled now by a settlement dated after :as_of. Every other invoice was settled by then."""
    return _with_later(
        selective,
        f"""{_invoices_as_of(group, condition, selective, _OPEN_NOW)}
UNION ALL{_invoices_as_of(group, condition, selective, _SETTLED_LATER)}""",
    )


def _cash_as_of(doc: str, group: GroupBy, condition: str, selective: bool, which: str) -> str:
    """Payments (``doc`` = "p") or credit notes ("n") of :as_of with what was unapplied then: the
    maintained ``amount - applied`` plus applications dated after :as_of (only rows whose last
    application is after it have any)."""
    if doc == "p":
        table, dated, moves, owner = "payment", "p.received_date", "payment_allocation", "payment_id"
        only = " AND p.status = 'succeeded'"
    else:
        table, dated, moves, owner = "credit_note", "n.date", "credit_application", "credit_note_id"
        only = ""
    if selective:
        later = f"""CASE WHEN {doc}.last_applied_on > :as_of THEN
  COALESCE((SELECT SUM(x.amount) FROM {moves} x
            WHERE x.{owner} = {doc}.id AND x.tenant_id = :tenant_id AND x.date > :as_of), 0) ELSE 0 END"""
        join = ""
    else:
        later = "COALESCE(lt.amount, 0)"
        join = f"""
LEFT JOIN (SELECT x.{owner}, SUM(x.amount) AS amount FROM {moves} x
           WHERE x.tenant_id = :tenant_id AND x.date > :as_of GROUP BY x.{owner}) lt ON lt.{owner} = {doc}.id"""
    return f"""
SELECT {doc}.customer_id, {doc}.currency, {_group_expr(group, doc)} AS grp,
       {doc}.amount - {doc}.applied + {later} AS amount
FROM {table} {doc} JOIN customer_account cu ON cu.id = {doc}.customer_id{join}
WHERE {doc}.tenant_id = :tenant_id{only} AND {dated} <= :as_of AND {condition} AND {which.format(d=doc)}"""


def _unapplied(group: GroupBy, condition: str, selective: bool = False) -> str:
    """Cash and credit that may be unapplied as of :as_of: unapplied now (partial indexes
    ``payment_unapplied_now``, ``credit_note_unapplied_now``), or applied in full by an application
    dated after :as_of."""
    parts = [
        _cash_as_of(doc, group, condition, selective, which)
        for doc in ("p", "n")
        for which in (
            "{d}.amount <> {d}.applied",
            "{d}.amount = {d}.applied AND {d}.last_applied_on > :as_of",
        )
    ]
    return "\nUNION ALL".join(parts)


def _selective(flt: CustomerFilter) -> bool:
    """A filter naming customers touches few rows: use the index-probing form of the sums."""
    return flt.customer_ids is not None


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
FROM ({_open_items(group, condition, _selective(flt))}) o
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
SELECT u.grp, u.currency, SUM(u.amount) AS amount FROM ({_unapplied(group, condition, _selective(flt))}) u
GROUP BY u.grp, u.currency HAVING SUM(u.amount) <> 0"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [{"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]


async def credit_sales(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, currency, amount): invoices issued in (after, until] minus credit notes dated in it."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT s.grp, s.currency, SUM(s.amount) AS amount FROM (
  SELECT {_group_expr(group, "i")} AS grp, i.currency, i.total AS amount
  FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id
  WHERE i.tenant_id = :tenant_id AND i.issue_date > :after AND i.issue_date <= :until
    AND i.status NOT IN ('void', 'draft') AND {condition}
  UNION ALL
  SELECT {_group_expr(group, "n")} AS grp, n.currency, -n.amount AS amount
  FROM credit_note n JOIN customer_account cu ON cu.id = n.customer_id
  WHERE n.tenant_id = :tenant_id AND n.date > :after AND n.date <= :until AND {condition}
) s GROUP BY s.grp, s.currency"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [{"grp": r["grp"], "currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]


def _month_of(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM')" if dialect() == "postgres" else f"substr({column}, 1, 7)"


async def monthly_credit_sales(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.NONE
) -> list[dict[str, Any]]:
    """(grp, month "YYYY-MM", currency, amount) of credit sales in (after, until], for countback DSO."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT s.grp, s.month, s.currency, SUM(s.amount) AS amount FROM (
  SELECT {_group_expr(group, "i")} AS grp, {_month_of("i.issue_date")} AS month, i.currency, i.total AS amount
  FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id
  WHERE i.tenant_id = :tenant_id AND i.issue_date > :after AND i.issue_date <= :until
    AND i.status NOT IN ('void', 'draft') AND {condition}
  UNION ALL
  SELECT {_group_expr(group, "n")} AS grp, {_month_of("n.date")} AS month, n.currency, -n.amount AS amount
  FROM credit_note n JOIN customer_account cu ON cu.id = n.customer_id
  WHERE n.tenant_id = :tenant_id AND n.date > :after AND n.date <= :until AND {condition}
) s GROUP BY s.grp, s.month, s.currency"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [
        {"grp": r["grp"], "month": r["month"], "currency": r["currency"], "amount": as_int(r["amount"])}
        for r in rows
    ]


def _factor_values(factors: dict[str, Decimal]) -> tuple[str, dict[str, Any]]:
    """A VALUES list (currency, factor to base minor units) to join conversion into an aggregate."""
    rows, params = [], {}
    for n, (currency, factor) in enumerate(sorted(factors.items())):
        params[f"fx_cur{n}"], params[f"fx_factor{n}"] = currency, str(factor)
        rows.append(f"(:fx_cur{n}, CAST(:fx_factor{n} AS NUMERIC))")
    return ", ".join(rows), params


# Active letters of credit / guarantees covering :as_of per customer, in base minor units (needs ``fx``).
_COVER_BASE = """
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
    cash (each computed once, as CTEs used twice):

    - ``aging``: (grp, currency, bucket, amount, count) of invoices with a non-zero open amount;
    - ``unapplied``: (grp, currency, amount) of cash and credit not applied to invoices;
    - ``customers`` (when ``with_customers``): (grp, with_balance, over_limit): customers whose net
      balance, converted with ``factors`` (base minor units per minor unit), is positive, and those whose
      exposure (net balance - active cover, metrics.md) exceeds their credit limit. A currency without a factor drops out of this comparison; the service
      refuses the figures anyway when it meets that currency in the aging or unapplied rows.
    """
    condition, params = customer_condition(scope, flt)
    selective = _selective(flt)
    case, bucket_params = bucket_case("o.issue_date" if by_issue_date else "o.due_date", buckets, as_of)
    customer_group = "''" if group == GroupBy.CURRENCY else "x.grp"
    customers_sql = ""
    fx_params: dict[str, Any] = {}
    fx_cte = ""
    if with_customers and factors:
        values, fx_params = _factor_values(factors)
        fx_cte = f"fx(currency, factor) AS (VALUES {values}),"
        customers_sql = f"""
UNION ALL
SELECT 'customers', pc.grp, '', 0,
       SUM(CASE WHEN pc.balance > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN cu.credit_limit IS NOT NULL AND pc.balance - COALESCE(cv.cover_base, 0) > cu.credit_limit
                THEN 1 ELSE 0 END)
FROM (
  SELECT x.customer_id, {customer_group} AS grp, SUM(x.amount * fx.factor) AS balance
  FROM (SELECT o.customer_id, o.grp, o.currency, o.open_amount AS amount FROM o
        UNION ALL
        SELECT u.customer_id, u.grp, u.currency, -u.amount FROM u) x
  JOIN fx ON fx.currency = x.currency
  GROUP BY 1, 2
) pc JOIN customer_account cu ON cu.id = pc.customer_id
LEFT JOIN ({_COVER_BASE}) cv ON cv.customer_id = pc.customer_id
GROUP BY 2"""
    sql = f"""
WITH {fx_cte}
o AS ({_open_items(group, condition, selective)}),
u AS ({_unapplied(group, condition, selective)})
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
SELECT {_group_expr(group, "d")} AS grp, d.currency, COUNT(*) AS n, SUM(d.amount) AS amount
FROM dispute d JOIN customer_account cu ON cu.id = d.customer_id
WHERE d.tenant_id = :tenant_id AND d.opened_on <= :as_of AND d.status IN ('open', 'under_review')
  AND {condition}
GROUP BY 1, 2"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [
        {"grp": r["grp"], "currency": r["currency"], "count": as_int(r["n"]), "amount": as_int(r["amount"])}
        for r in rows
    ]


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
    values, fx_params = _factor_values(factors)
    weight_case, weight_params = bucket_case("o.due_date", buckets, as_of, age_weights)
    filters = []
    if has_overdue is not None:
        filters.append("overdue > 0" if has_overdue else "overdue <= 0")
    if over_limit is not None:
        filters.append("is_over_limit = 1" if over_limit else "is_over_limit = 0")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    sql = f"""
WITH fx(currency, factor) AS (VALUES {values}),
disputed AS (
  SELECT d.invoice_id, SUM(d.amount) AS amount FROM dispute d
  WHERE d.tenant_id = :tenant_id AND d.invoice_id IS NOT NULL AND d.opened_on <= :as_of
    AND d.status IN ('open', 'under_review')
  GROUP BY d.invoice_id
),
open_agg AS (
  SELECT o.customer_id,
         SUM(o.open_amount * fx.factor) AS open_base,
         SUM(CASE WHEN o.due_date < :as_of THEN o.open_amount * fx.factor ELSE 0 END) AS overdue_base,
         SUM({weight_case} * fx.factor *
             CASE WHEN o.open_amount - COALESCE(ds.amount, 0) > 0 THEN o.open_amount - COALESCE(ds.amount, 0)
                  ELSE 0 END) AS weighted_base,
         SUM(COALESCE(ds.amount, 0) * fx.factor) AS disputed_base,
         MIN(CASE WHEN o.due_date < :as_of AND o.open_amount > 0 THEN o.due_date END) AS oldest_overdue_due,
         MAX(CASE WHEN fx.factor IS NULL THEN o.currency END) AS missing
  FROM ({_open_items(GroupBy.NONE, condition, _selective(flt))}) o
  LEFT JOIN fx ON fx.currency = o.currency
  LEFT JOIN disputed ds ON ds.invoice_id = o.invoice_id
  WHERE o.open_amount <> 0
  GROUP BY o.customer_id
),
unapplied_agg AS (
  SELECT u.customer_id, SUM(u.amount * fx.factor) AS unapplied_base,
         MAX(CASE WHEN fx.factor IS NULL THEN u.currency END) AS missing
  FROM ({_unapplied(GroupBy.NONE, condition, _selective(flt))}) u LEFT JOIN fx ON fx.currency = u.currency
  GROUP BY u.customer_id
),
cover AS ({_COVER_BASE}),
broken AS (
  SELECT p.customer_id, COUNT(*) AS n FROM promise_to_pay p
  WHERE p.tenant_id = :tenant_id AND p.status = 'broken' AND p.promised_date <= :as_of
  GROUP BY p.customer_id
),
figures AS (
  SELECT cu.id, cu.legal_name, cu.credit_limit, cu.risk_rating,
         COALESCE(oa.open_base, 0) - COALESCE(ua.unapplied_base, 0) AS net_balance,
         COALESCE(oa.overdue_base, 0) AS overdue,
         COALESCE(oa.weighted_base, 0) AS weighted_overdue,
         COALESCE(oa.disputed_base, 0) AS disputed,
         oa.oldest_overdue_due,
         COALESCE(oa.open_base, 0) - COALESCE(ua.unapplied_base, 0) - COALESCE(cv.cover_base, 0) AS exposure,
         CASE WHEN COALESCE(br.n, 0) > 0 THEN 1 ELSE 0 END AS has_broken_promise,
         COALESCE(oa.missing, ua.missing) AS missing
  FROM customer_account cu
  LEFT JOIN open_agg oa ON oa.customer_id = cu.id
  LEFT JOIN unapplied_agg ua ON ua.customer_id = cu.id
  LEFT JOIN cover cv ON cv.customer_id = cu.id
  LEFT JOIN broken br ON br.customer_id = cu.id
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


async def open_invoices_of(
    scope: Scope, customer_ids: list[int], as_of: date, per_customer: int
) -> list[dict[str, Any]]:
    """The ``per_customer`` oldest-due open invoices (as of ``as_of``) of each customer, in one query."""
    condition, params = customer_condition(scope, CustomerFilter(customer_ids=frozenset(customer_ids)))
    sql = f"""
SELECT * FROM (
  SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.due_date, o.invoice_id) AS position
  FROM ({_open_items(GroupBy.NONE, condition, selective=True)}) o WHERE o.open_amount <> 0
) ranked WHERE ranked.position <= :per_customer
ORDER BY ranked.customer_id, ranked.position"""
    return await fetch_all(sql, {**params, "as_of": as_of, "per_customer": per_customer})


async def open_items_of(scope: Scope, customer_id: int, as_of: date) -> list[dict[str, Any]]:
    """Every invoice of one customer with a non-zero open amount as of ``as_of``, oldest due first (the
    open items a statement lists)."""
    condition, params = customer_condition(scope, CustomerFilter(customer_ids=frozenset({customer_id})))
    sql = f"""
SELECT o.* FROM ({_open_items(GroupBy.NONE, condition, selective=True)}) o
WHERE o.open_amount <> 0
ORDER BY o.due_date, o.issue_date, o.number"""
    return await fetch_all(sql, {**params, "as_of": as_of})


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


def _days_between(later: str, earlier: str) -> str:
    """SQL for whole days from ``earlier`` to ``later`` (two date columns)."""
    if dialect() == "postgres":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


_SETTLED_BY_AS_OF = invoice_settlements("x.invoice_id = o.invoice_id AND x.date <= :as_of")


def _settled_invoices(condition: str, selective: bool) -> str:
    """Invoices whose open amount is 0 as of :as_of, with the date of the movement that settled them
    (the latest allocation, credit application or write-off dated <= :as_of).

    An invoice settled now whose last settlement is on or before :as_of was settled then, on that date
    (the maintained ``last_settlement_on``). Only invoices with a settlement after :as_of need their
    movements looked up (few for a recent date)."""
    return f"""
SELECT i.id AS invoice_id, i.customer_id, i.currency, i.total, i.issue_date, i.due_date,
       i.last_settlement_on AS settled_on
FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id
WHERE i.tenant_id = :tenant_id AND i.issue_date <= :as_of AND i.status NOT IN ('void', 'draft')
  AND {condition} AND i.total = i.settled AND i.total > 0 AND i.last_settlement_on <= :as_of
UNION ALL
SELECT o.invoice_id, o.customer_id, o.currency, o.total, o.issue_date, o.due_date,
       (SELECT MAX(m.date) FROM ({_SETTLED_BY_AS_OF}) m) AS settled_on
FROM ({_with_later(selective, _invoices_as_of(GroupBy.NONE, condition, selective, "i.last_settlement_on > :as_of"))}) o
WHERE o.open_amount = 0 AND o.total > 0"""


async def payment_behaviour(
    scope: Scope, flt: CustomerFilter, as_of: date, window_start: date, group: GroupBy = GroupBy.CUSTOMER
) -> list[dict[str, Any]]:
    """Per group: invoices settled in (window_start, as_of], amount weights and amount-weighted day sums
    (days to pay = settled - issued; days late = max(0, settled - due)), and how many were on time."""
    condition, params = customer_condition(scope, flt)
    to_pay = _days_between("s.settled_on", "s.issue_date")
    late = _days_between("s.settled_on", "s.due_date")
    grp = "''" if group == GroupBy.NONE else "CAST(s.customer_id AS VARCHAR(20))"
    sql = f"""
SELECT {grp} AS grp, COUNT(*) AS n, SUM(s.total) AS weight,
       SUM(s.total * {to_pay}) AS weighted_days_to_pay,
       SUM(CASE WHEN s.settled_on > s.due_date THEN s.total * {late} ELSE 0 END) AS weighted_days_late,
       SUM(CASE WHEN s.settled_on <= s.due_date THEN 1 ELSE 0 END) AS on_time
FROM ({_settled_invoices(condition, _selective(flt))}) s
WHERE s.settled_on > :window_start
GROUP BY 1"""
    rows = await fetch_all(sql, {**params, "as_of": as_of, "window_start": window_start})
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
SELECT s.invoice_id, s.customer_id, s.total, s.due_date, s.settled_on FROM ({_settled_invoices(condition, _selective(flt))}) s
WHERE s.settled_on > :after ORDER BY s.invoice_id"""
    return await fetch_all(sql, {**params, "as_of": as_of, "after": after})


async def profitability(
    scope: Scope, flt: CustomerFilter, after: date, until: date, group: GroupBy = GroupBy.CUSTOMER
) -> list[dict[str, Any]]:
    """Per group and currency for (after, until]: revenue (invoiced net of tax minus credit notes), the
    cost of invoice lines that carry one, and whether any line did."""
    condition, params = customer_condition(scope, flt)
    grp_i = "''" if group == GroupBy.NONE else "CAST(i.customer_id AS VARCHAR(20))"
    grp_n = "''" if group == GroupBy.NONE else "CAST(n.customer_id AS VARCHAR(20))"
    sql = f"""
SELECT r.grp, r.currency, SUM(r.revenue) AS revenue, SUM(r.cost) AS cost, SUM(r.costed) AS costed FROM (
  SELECT {grp_i} AS grp, i.currency, i.subtotal AS revenue,
         COALESCE((SELECT SUM(l.cost) FROM invoice_line l WHERE l.invoice_id = i.id AND l.tenant_id = :tenant_id), 0)
           AS cost,
         (SELECT COUNT(l.cost) FROM invoice_line l WHERE l.invoice_id = i.id AND l.tenant_id = :tenant_id) AS costed
  FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id
  WHERE i.tenant_id = :tenant_id AND i.issue_date > :after AND i.issue_date <= :until
    AND i.status NOT IN ('void', 'draft') AND {condition}
  UNION ALL
  SELECT {grp_n} AS grp, n.currency, -n.amount AS revenue, 0 AS cost, 0 AS costed
  FROM credit_note n JOIN customer_account cu ON cu.id = n.customer_id
  WHERE n.tenant_id = :tenant_id AND n.date > :after AND n.date <= :until AND {condition}
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


class InvoiceOrder(StrEnum):
    DUE_DATE = "due_date"
    ISSUE_DATE = "issue_date"
    OPEN_AMOUNT = "open_amount"
    NUMBER = "number"


_INVOICE_ORDER_SQL = {
    InvoiceOrder.DUE_DATE: "o.due_date, o.invoice_id",
    InvoiceOrder.ISSUE_DATE: "o.issue_date DESC, o.invoice_id DESC",
    InvoiceOrder.OPEN_AMOUNT: "o.open_amount DESC, o.invoice_id",
    InvoiceOrder.NUMBER: "o.number, o.invoice_id",
}


async def invoice_page(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    *,
    order: InvoiceOrder,
    offset: int,
    limit: int,
    open_only: bool = False,
    overdue_only: bool = False,
    invoice_ids: list[int] | None = None,
    number: str | None = None,
) -> list[dict[str, Any]]:
    """Invoices existing as of ``as_of`` (issued by then, not void or draft) with their open amount then,
    a page at a time; each row carries ``total_rows`` (rows before paging)."""
    condition, params = customer_condition(scope, flt)
    extra = []
    if open_only or overdue_only:
        extra.append("o.open_amount <> 0")
    if overdue_only:
        extra.append("o.due_date < :as_of")
    if invoice_ids is not None:
        names = [f":inv{n}" for n in range(len(invoice_ids))]
        params.update({f"inv{n}": i for n, i in enumerate(invoice_ids)})
        extra.append(f"o.invoice_id IN ({', '.join(names) or 'NULL'})")
    if number:
        extra.append("LOWER(o.number) LIKE :number ESCAPE '\\'")
        params["number"] = like_contains(number.lower())
    where = f"WHERE {' AND '.join(extra)}" if extra else ""
    selective = _selective(flt) or invoice_ids is not None
    rows = (
        _open_items(GroupBy.NONE, condition, selective)
        if open_only or overdue_only
        else _with_later(selective, _invoices_as_of(GroupBy.NONE, condition, selective, ""))
    )
    sql = f"""
SELECT o.*, COUNT(*) OVER () AS total_rows
FROM ({rows}) o {where}
ORDER BY {_INVOICE_ORDER_SQL[order]} LIMIT :limit OFFSET :offset"""
    return await fetch_all(sql, {**params, "as_of": as_of, "limit": limit, "offset": offset})


async def open_invoices_due_before(scope: Scope, as_of: date, due_before: date) -> list[dict[str, Any]]:
    """Invoices open as of ``as_of`` whose due date is before ``due_before`` (overdue alert candidates).

    An open dispute holds its amount out of collection: ``disputed`` is what open disputes hold on the
    invoice, and an invoice whose whole open amount is disputed is no candidate."""
    condition, params = customer_condition(scope, CustomerFilter())
    sql = f"""
SELECT o.*, COALESCE(d.held, 0) AS disputed FROM ({_open_items(GroupBy.NONE, condition)}) o
LEFT JOIN (SELECT invoice_id, SUM(amount) AS held FROM dispute
           WHERE tenant_id = :tenant_id AND invoice_id IS NOT NULL AND status IN ('open', 'under_review')
           GROUP BY invoice_id) d ON d.invoice_id = o.invoice_id
WHERE o.open_amount - COALESCE(d.held, 0) > 0 AND o.due_date < :due_before
ORDER BY o.due_date, o.invoice_id"""
    return await fetch_all(sql, {**params, "as_of": as_of, "due_before": due_before})


async def collections(scope: Scope, flt: CustomerFilter, after: date, until: date) -> list[dict[str, Any]]:
    """(currency, amount) of succeeded payments received in (after, until]."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT p.currency, SUM(p.amount) AS amount FROM payment p JOIN customer_account cu ON cu.id = p.customer_id
WHERE p.tenant_id = :tenant_id AND p.status = 'succeeded' AND p.received_date > :after
  AND p.received_date <= :until AND {condition}
GROUP BY p.currency"""
    rows = await fetch_all(sql, {**params, "after": after, "until": until})
    return [{"currency": r["currency"], "amount": as_int(r["amount"])} for r in rows]
