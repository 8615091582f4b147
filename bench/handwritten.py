"""Hand-written SQL for the dashboard bench: each query's figures in ONE statement, for the baseline.

Written for this bench apart from the app's query builders, as someone who knows the schema would write
them for one tenant: straight from the maintained settlement sums (what is open now plus movements after
the date, per metrics-implementation.md), with no scope, filter or paging machinery. Each statement
returns per-currency (and per-group or per-customer) sums; converting them and the ratio formulas are a
handful of operations on those rows, left to Python as the app does.

The text is the same on both engines but for a few marks (``render``): SQLite's month and day
arithmetic, and the hints its planner needs without statistics (the partial indexes of open items,
unary ``+`` on a term that must not choose an index). Parameters
are ``:name`` as in the app (``app.db.sql.compile_params`` turns them into the driver's).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.receivables.ratios import first_countback_day

_MARKS = {
    "sqlite": {
        "plus": "+",
        "open_now": " INDEXED BY invoice_open_now",
        "payment_now": " INDEXED BY payment_unapplied_now",
        "note_now": " INDEXED BY credit_note_unapplied_now",
    },
    "postgres": {"plus": "", "open_now": "", "payment_now": "", "note_now": ""},
}


def render(sql: str, dialect: str) -> str:
    """Fill the engine marks: ``{plus}``, ``{open_now}`` ..., ``{month(col)}``, ``{days(a, b)}``."""
    for name, text in _MARKS[dialect].items():
        sql = sql.replace("{" + name + "}", text)
    while "{month(" in sql:
        start = sql.index("{month(")
        end = sql.index(")}", start)
        col = sql[start + 7 : end]
        month = f"substr({col}, 1, 7)" if dialect == "sqlite" else f"to_char({col}, 'YYYY-MM')"
        sql = sql[:start] + month + sql[end + 2 :]
    while "{days(" in sql:
        start = sql.index("{days(")
        end = sql.index(")}", start)
        later, earlier = (part.strip() for part in sql[start + 6 : end].split(","))
        days = (
            f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
            if dialect == "sqlite"
            else f"({later} - {earlier})"
        )
        sql = sql[:start] + days + sql[end + 2 :]
    return sql


def _open(on: str, customers: str = "") -> str:
    """Invoices open as of :on (invoice_id, customer_id, currency, due_date, number, amount): open now,
    or settled now by movements after :on, plus those movements. ``customers``: an SQL list of ids."""
    later = f"""CASE WHEN i.last_settlement_on > :{on} THEN
      COALESCE((SELECT SUM(a.amount) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                WHERE a.invoice_id = i.id AND a.date > :{on} AND p.status = 'succeeded'), 0)
    + COALESCE((SELECT SUM(c.amount) FROM credit_application c WHERE c.invoice_id = i.id AND c.date > :{on}), 0)
    + COALESCE((SELECT SUM(w.amount) FROM write_off w WHERE w.invoice_id = i.id AND w.date > :{on}), 0)
    ELSE 0 END"""
    cols = f"i.id AS invoice_id, i.customer_id, i.currency, i.due_date, i.number, i.total - i.settled + {later} AS amount"
    tenant = "{plus}i.tenant_id" if customers else "i.tenant_id"
    mine = f" AND i.customer_id IN ({customers})" if customers else ""
    dated = f"{{plus}}i.issue_date <= :{on} AND i.status NOT IN ('void', 'draft'){mine}"
    return f"""
  SELECT {cols} FROM invoice i{{open_now}}
  WHERE i.tenant_id = :tenant_id AND {dated} AND i.total <> i.settled
  UNION ALL
  SELECT {cols} FROM invoice i
  WHERE {tenant} = :tenant_id AND {dated} AND i.total = i.settled AND i.last_settlement_on > :{on}"""


def _unapplied(on: str, customers: str = "") -> str:
    """Cash and credit unapplied as of :on (customer_id, currency, amount)."""
    out = []
    for table, alias, dated, moves, owner, now, only in (
        ("payment", "p", "received_date", "payment_allocation", "payment_id", "{payment_now}",
         " AND p.status = 'succeeded'"),
        ("credit_note", "n", "date", "credit_application", "credit_note_id", "{note_now}", ""),
    ):  # fmt: skip
        later = f"""CASE WHEN {alias}.last_applied_on > :{on} THEN COALESCE((SELECT SUM(x.amount) FROM {moves} x
      WHERE x.{owner} = {alias}.id AND x.date > :{on}), 0) ELSE 0 END"""
        cols = f"{alias}.customer_id, {alias}.currency, {alias}.amount - {alias}.applied + {later} AS amount"
        mine = f" AND {alias}.customer_id IN ({customers})" if customers else ""
        tenant = f"{{plus}}{alias}.tenant_id" if customers else f"{alias}.tenant_id"
        where = f"{{plus}}{alias}.{dated} <= :{on}{only}{mine}"
        out.append(f"""
  SELECT {cols} FROM {table} {alias}{now}
  WHERE {alias}.tenant_id = :tenant_id AND {where} AND {alias}.amount <> {alias}.applied
  UNION ALL
  SELECT {cols} FROM {table} {alias}
  WHERE {tenant} = :tenant_id AND {where} AND {alias}.amount = {alias}.applied AND {alias}.last_applied_on > :{on}""")
    return "\n  UNION ALL".join(out)


def _bucket(column: str) -> str:
    """Aging bucket index of ``column`` against the boundaries :b1 .. :b5 (days past due <= 0, 30, ...)."""
    whens = " ".join(f"WHEN {column} >= :b{n} THEN {n - 1}" for n in range(1, 6))
    return f"CASE {whens} ELSE 5 END"


_COVER = """SELECT l.customer_id, SUM(l.amount * fx.factor) AS cover FROM letter_of_credit l
    JOIN fx ON fx.currency = l.currency
    WHERE l.tenant_id = :tenant_id AND l.status = 'active' AND l.expiry_date >= :as_of
      AND (l.issue_date IS NULL OR l.issue_date <= :as_of)
    GROUP BY l.customer_id"""


def summary(dimension: str | None = None) -> str:
    """arSummary (no ``dimension``) or arBreakdown (``currency``, or a customer column such as
    ``region``) in one statement: rows (kind, grp, currency, bucket, month, amount, n)."""

    def grp(t: str) -> str:
        if dimension is None:
            return "''"
        return f"{t}.currency" if dimension == "currency" else f"cu.{dimension}"

    def part(
        kind: str, source: str, t: str, bucket: str = "0", month: str = "''", n: str = "COUNT(*)"
    ) -> str:
        return f"""
SELECT '{kind}' AS kind, {grp(t)} AS grp, {t}.currency AS currency, {bucket} AS bucket, {month} AS month,
       SUM({t}.amount) AS amount, {n} AS n
FROM {source} {t} JOIN customer_account cu ON cu.id = {t}.customer_id
GROUP BY 2, 3, 4, 5"""

    # Customer counts are not split by currency (a customer can owe in several).
    customers_grp = "''" if dimension in (None, "currency") else f"cu.{dimension}"
    disputes = """(SELECT * FROM dispute WHERE tenant_id = :tenant_id AND opened_on <= :as_of
                   AND status IN ('open', 'under_review'))"""
    return f"""
WITH fx(currency, factor) AS (VALUES {{fx}}),
o AS ({_open("as_of")}),
u AS ({_unapplied("as_of")}),
sales AS (
  SELECT i.customer_id, i.currency, {{month(i.issue_date)}} AS month, i.total AS amount,
         CASE WHEN i.issue_date > :start THEN i.total ELSE 0 END AS in_period
  FROM invoice i
  WHERE i.tenant_id = :tenant_id AND i.issue_date > :sales_after AND i.issue_date <= :as_of
    AND i.status NOT IN ('void', 'draft')
  UNION ALL
  SELECT n.customer_id, n.currency, {{month(n.date)}}, -n.amount, CASE WHEN n.date > :start THEN -n.amount ELSE 0 END
  FROM credit_note n WHERE n.tenant_id = :tenant_id AND n.date > :sales_after AND n.date <= :as_of
)
{part("aging", "(SELECT * FROM o WHERE amount <> 0)", "a", _bucket("a.due_date"))}
UNION ALL{part("unapplied", "u", "x")}
UNION ALL{part("start_open", f"({_open('start')})", "s")}
UNION ALL{part("start_unapplied", f"({_unapplied('start')})", "w")}
UNION ALL{part("sales", "sales", "m", month="m.month", n="SUM(m.in_period)")}
UNION ALL{part("disputes", disputes, "d")}
UNION ALL
SELECT 'customers', {customers_grp}, '', 0, '', SUM(CASE WHEN b.balance > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN cu.credit_limit IS NOT NULL AND b.balance - COALESCE(cv.cover, 0) > cu.credit_limit
                THEN 1 ELSE 0 END)
FROM (SELECT x.customer_id, SUM(x.amount * fx.factor) AS balance
      FROM (SELECT customer_id, currency, amount FROM o UNION ALL SELECT customer_id, currency, -amount FROM u) x
      JOIN fx ON fx.currency = x.currency GROUP BY x.customer_id) b
JOIN customer_account cu ON cu.id = b.customer_id
LEFT JOIN ({_COVER}) cv ON cv.customer_id = b.customer_id
GROUP BY 2"""


# Per customer: net balance, exposure, the priority score's parts (metrics-implementation.md), in base
# minor units, for the customers whose open items ``o`` and unapplied cash ``u`` list.
_FIGURES = """
held AS (
  SELECT o.customer_id, o.due_date, o.amount * fx.factor AS amount,
         fx.factor * COALESCE((SELECT SUM(d.amount) FROM dispute d WHERE d.invoice_id = o.invoice_id
                               AND d.opened_on <= :as_of AND d.status IN ('open', 'under_review')), 0) AS held
  FROM o JOIN fx ON fx.currency = o.currency WHERE o.amount <> 0
),
per AS (
  SELECT h.customer_id, SUM(h.amount) AS open_base,
         SUM(CASE WHEN h.due_date < :as_of THEN h.amount ELSE 0 END) AS overdue,
         SUM(CASE WHEN h.due_date >= :b2 THEN 1.0 WHEN h.due_date >= :b3 THEN 1.5 WHEN h.due_date >= :b4 THEN 2.0
                  WHEN h.due_date >= :b5 THEN 2.5 ELSE 3.0 END
             * CASE WHEN h.due_date < :as_of AND h.amount > h.held THEN h.amount - h.held ELSE 0 END) AS weighted,
         SUM(h.held) AS disputed,
         MIN(CASE WHEN h.due_date < :as_of AND h.amount > 0 THEN h.due_date END) AS oldest
  FROM held h GROUP BY h.customer_id
),
cash AS (SELECT u.customer_id, SUM(u.amount * fx.factor) AS unapplied FROM u JOIN fx ON fx.currency = u.currency
         GROUP BY u.customer_id),
cover AS ({cover}),
figures AS (
  SELECT cu.id, cu.legal_name, cu.credit_limit,
         COALESCE(per.open_base, 0) - COALESCE(cash.unapplied, 0) AS net,
         COALESCE(per.open_base, 0) - COALESCE(cash.unapplied, 0) - COALESCE(cover.cover, 0) AS exposure,
         COALESCE(per.overdue, 0) AS overdue, COALESCE(per.weighted, 0) AS weighted, per.oldest,
         COALESCE(per.disputed, 0) AS disputed,
         CASE cu.risk_rating WHEN 'A' THEN 0.8 WHEN 'B' THEN 0.9 WHEN 'C' THEN 1.0 WHEN 'D' THEN 1.2
              WHEN 'E' THEN 1.5 ELSE 1.0 END AS risk,
         EXISTS (SELECT 1 FROM promise_to_pay b WHERE b.customer_id = cu.id AND b.tenant_id = :tenant_id
                 AND b.status = 'broken' AND b.promised_date <= :as_of) AS broken
  FROM customer_account cu
  LEFT JOIN per ON per.customer_id = cu.id
  LEFT JOIN cash ON cash.customer_id = cu.id
  LEFT JOIN cover ON cover.customer_id = cu.id
  WHERE cu.tenant_id = :tenant_id{only}
),
scored AS (
  SELECT f.*, f.weighted * f.risk
           * (1 + CASE WHEN f.credit_limit IS NOT NULL AND f.exposure > f.credit_limit THEN 0.10 ELSE 0 END
                + CASE WHEN f.broken THEN 0.25 ELSE 0 END) AS score
  FROM figures f
)""".replace("{cover}", _COVER)


def _nested() -> str:
    """What a customer list shows for each customer of the CTE ``page`` (id, pos): aging per currency and
    bucket, unapplied cash, cover, the five oldest-due open items, the figures and score."""
    return f"""
SELECT 'aging' AS kind, o.customer_id AS customer_id, o.currency AS currency, {_bucket("o.due_date")} AS bucket,
       '' AS number, SUM(o.amount) AS amount, COUNT(*) AS n
FROM o WHERE o.amount <> 0 AND o.customer_id IN (SELECT id FROM page) GROUP BY 2, 3, 4
UNION ALL
SELECT 'unapplied', u.customer_id, u.currency, 0, '', SUM(u.amount), 0
FROM u WHERE u.customer_id IN (SELECT id FROM page) GROUP BY 2, 3
UNION ALL
SELECT 'invoice', r.customer_id, r.currency, r.position, r.number, r.amount, 0 FROM (
  SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.due_date, o.invoice_id) AS position
  FROM o WHERE o.amount <> 0 AND o.customer_id IN (SELECT id FROM page)) r
WHERE r.position <= 5
UNION ALL
SELECT 'customer', s.id, '', p.pos, s.legal_name, s.net, s.score FROM scored s JOIN page p ON p.id = s.id
UNION ALL
SELECT 'cover', c.customer_id, '', 0, '', c.cover, 0 FROM cover c WHERE c.customer_id IN (SELECT id FROM page)"""


def customers_by_name() -> str:
    """customers(first: 50) by name, nested, with priority: rows (kind, customer_id, currency, bucket,
    number, amount, n). Only the page's customers' documents are read."""
    page = """page AS (SELECT cu.id, ROW_NUMBER() OVER (ORDER BY cu.legal_name, cu.id) AS pos
  FROM customer_account cu WHERE cu.tenant_id = :tenant_id ORDER BY cu.legal_name, cu.id LIMIT 50)"""
    ids = "SELECT id FROM page"
    return f"""
WITH fx(currency, factor) AS (VALUES {{fx}}),
{page},
o AS ({_open("as_of", ids)}),
u AS ({_unapplied("as_of", ids)}),{_FIGURES.replace("{only}", f" AND cu.id IN ({ids})")}
{_nested()}"""


def customers_by_figure(order: str, overdue_only: bool = False) -> str:
    """customers(first: 50) by a figure (``net`` or ``score``), nested, or the worklist
    (``overdue_only``): every customer's figures, then the page's details."""
    where = "WHERE s.overdue > 0" if overdue_only else ""
    return f"""
WITH fx(currency, factor) AS (VALUES {{fx}}),
o AS ({_open("as_of")}),
u AS ({_unapplied("as_of")}),{_FIGURES.replace("{only}", "")},
page AS (SELECT s.id, ROW_NUMBER() OVER (ORDER BY s.{order} DESC, s.id) AS pos FROM scored s {where}
         ORDER BY s.{order} DESC, s.id LIMIT 50)
{_nested()}"""


def customer_360() -> str:
    """customer(id): balances, aging, exposure, priority, every open invoice, payment behaviour (12 months
    to D and to D - 365) and profitability (365 days to D and the 365 before), for :customer_id."""
    ids = ":customer_id"
    settled = []
    for name, on, after in (("now", "as_of", "year_ago"), ("before", "year_ago", "two_years_ago")):
        # Settled by :on and after :after: settled now with the last movement by then (its date), or
        # with later movements but nothing open as of :on (the latest movement by then).
        moves_by = f"""(SELECT MAX(m.date) FROM (
            SELECT a.date FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
            WHERE a.invoice_id = i.id AND a.date <= :{on} AND p.status = 'succeeded'
            UNION ALL SELECT c.date FROM credit_application c WHERE c.invoice_id = i.id AND c.date <= :{on}
            UNION ALL SELECT w.date FROM write_off w WHERE w.invoice_id = i.id AND w.date <= :{on}) m)"""
        settled.append(f"""
SELECT '{name}' AS kind, s.total, s.issue_date, s.due_date, s.settled_on FROM (
  SELECT i.total, i.issue_date, i.due_date, i.last_settlement_on AS settled_on FROM invoice i
  WHERE i.customer_id = :customer_id AND {{plus}}i.tenant_id = :tenant_id AND i.status NOT IN ('void', 'draft')
    AND {{plus}}i.issue_date <= :{on} AND i.total = i.settled AND i.total > 0
    AND i.last_settlement_on <= :{on} AND i.last_settlement_on > :{after}
  UNION ALL
  SELECT o.total, o.issue_date, o.due_date, o.settled_on FROM (
    SELECT i.total, i.issue_date, i.due_date, i.settled, {moves_by} AS settled_on, i.total - i.settled
      + COALESCE((SELECT SUM(a.amount) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                  WHERE a.invoice_id = i.id AND a.date > :{on} AND p.status = 'succeeded'), 0)
      + COALESCE((SELECT SUM(c.amount) FROM credit_application c WHERE c.invoice_id = i.id AND c.date > :{on}), 0)
      + COALESCE((SELECT SUM(w.amount) FROM write_off w WHERE w.invoice_id = i.id AND w.date > :{on}), 0)
      AS open_then
    FROM invoice i WHERE i.customer_id = :customer_id AND {{plus}}i.tenant_id = :tenant_id
      AND i.status NOT IN ('void', 'draft') AND {{plus}}i.issue_date <= :{on} AND i.total > 0
      AND i.last_settlement_on > :{on}) o
  WHERE o.open_then = 0) s
WHERE s.settled_on > :{after}""")
    behaviour = "\nUNION ALL".join(settled)
    return f"""
WITH fx(currency, factor) AS (VALUES {{fx}}),
o AS ({_open("as_of", ids)}),
u AS ({_unapplied("as_of", ids)}),{_FIGURES.replace("{only}", f" AND cu.id IN ({ids})")},
behaviour AS ({behaviour}),
sales AS (
  SELECT i.issue_date > :year_ago AS current, i.currency, i.subtotal AS revenue,
         (SELECT SUM(l.cost) FROM invoice_line l WHERE l.invoice_id = i.id) AS cost
  FROM invoice i WHERE i.tenant_id = :tenant_id AND i.customer_id = :customer_id
    AND i.issue_date > :two_years_ago AND i.issue_date <= :as_of AND i.status NOT IN ('void', 'draft')
  UNION ALL
  SELECT n.date > :year_ago, n.currency, -n.amount, 0 FROM credit_note n
  WHERE n.tenant_id = :tenant_id AND n.customer_id = :customer_id AND n.date > :two_years_ago AND n.date <= :as_of
)
SELECT 'aging' AS kind, o.currency AS currency, {_bucket("o.due_date")} AS bucket, '' AS number,
       SUM(o.amount) AS amount, COUNT(*) AS n
FROM o WHERE o.amount <> 0 GROUP BY 2, 3
UNION ALL SELECT 'unapplied', u.currency, 0, '', SUM(u.amount), 0 FROM u GROUP BY 2
UNION ALL SELECT 'invoice', o.currency, 0, o.number, o.amount, 0 FROM o WHERE o.amount <> 0
UNION ALL SELECT 'customer', '', 0, s.legal_name, s.exposure, s.score FROM scored s
UNION ALL
SELECT 'behaviour_' || b.kind, '', COUNT(*), '', SUM(b.total * {{days(b.settled_on, b.issue_date)}}),
       SUM(CASE WHEN b.settled_on > b.due_date THEN b.total * {{days(b.settled_on, b.due_date)}} ELSE 0 END)
FROM behaviour b GROUP BY b.kind
UNION ALL
SELECT CASE WHEN s.current THEN 'revenue' ELSE 'revenue_before' END, s.currency, 0, '', SUM(s.revenue),
       SUM(COALESCE(s.cost, 0))
FROM sales s GROUP BY 1, 2"""


def parameters(
    tenant_id: int, as_of: date, edges: list[int], factors: dict[str, Decimal]
) -> tuple[dict[str, Any], str]:
    """The shared parameters (dates, bucket boundaries) and the VALUES list of conversion factors."""
    params: dict[str, Any] = {
        "tenant_id": tenant_id,
        "as_of": as_of,
        "start": as_of - timedelta(days=90),
        "year_ago": as_of - timedelta(days=365),
        "two_years_ago": as_of - timedelta(days=730),
    }
    # Monthly sales for the countback (24 months from the first of D's month) and the period's sales.
    params["sales_after"] = min(params["start"], first_countback_day(as_of) - timedelta(days=1))
    for n, edge in enumerate([0, *edges], start=1):
        params[f"b{n}"] = as_of - timedelta(days=edge)
    values = []
    for n, (currency, factor) in enumerate(sorted(factors.items())):
        params[f"fx_c{n}"], params[f"fx_f{n}"] = currency, str(factor)
        values.append(f"(:fx_c{n}, CAST(:fx_f{n} AS NUMERIC))")
    return params, ", ".join(values)
