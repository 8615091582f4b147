"""The building blocks of every as-of figure: the invoices and the cash open or unapplied as of a date D.

- ``open_items``: invoices issued <= D, neither void nor draft, with open(D) = total - allocations of
  succeeded payments dated <= D - credit applications dated <= D - write-offs dated <= D. It is computed
  as what is open now (``total - settled``, maintained by ``app.receivables.settlement`` with every write)
  plus the settlements dated after D, and only for invoices that can be open as of D: open now, or
  settled by a settlement after D. Later payments therefore never change an earlier date's figure, and a
  recent date reads the open items alone (a partial index) instead of every invoice and movement.
- ``unapplied_items``: payments (succeeded, received <= D) minus their allocations dated <= D, plus credit
  notes dated <= D minus their applications dated <= D, computed the same way from ``applied``.

Each joins ``customer_account cu`` and puts ``customer_condition`` (tenant, access rule, filter) in its
WHERE; the tenant id is also repeated on every sub-select. Rows come back per group and currency: the
service converts them to the base currency. Nothing is summed in Python.
"""

from __future__ import annotations

from enum import StrEnum

from app.customers.filters import CustomerFilter
from app.receivables.settlement import invoice_settlements


class GroupBy(StrEnum):
    NONE = "none"
    REGION = "region"
    SEGMENT = "segment"
    COUNTRY = "country"
    CURRENCY = "currency"
    RISK_RATING = "risk_rating"
    SALES_OWNER = "sales_owner"
    CUSTOMER = "customer"


def group_expr(group: GroupBy, doc: str) -> str:
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
# two halves of ``open_items`` share one grouping.
_LATER_SETTLED_CTE = f"""lt AS (
  SELECT m.owner_id AS invoice_id, SUM(m.amount) AS amount
  FROM ({invoice_settlements("x.date > :as_of")}) m GROUP BY m.owner_id)"""


def invoices_as_of(group: GroupBy, condition: str, selective: bool, which: str) -> str:
    """Invoices issued by :as_of, neither void nor draft, with ``open_amount`` as of :as_of.

    ``which`` narrows the rows in SQL: "" (all), "i.total <> i.settled" (open now: the partial index
    ``invoice_open_now``) or "i.total = i.settled AND i.last_settlement_on > :as_of" (settled now, but
    by a settlement after :as_of)."""
    later = _LATER_SETTLED if selective else "COALESCE(lt.amount, 0)"
    joined = "" if selective else "\nLEFT JOIN lt ON lt.invoice_id = i.id"
    return f"""
SELECT i.id AS invoice_id, i.customer_id, i.number, i.status, i.currency, i.due_date, i.issue_date, i.total,
       i.last_settlement_on, {group_expr(group, "i")} AS grp,
       i.total - i.settled + {later} AS open_amount
FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id{joined}
WHERE i.tenant_id = :tenant_id AND i.issue_date <= :as_of AND i.status NOT IN ('void', 'draft')
  AND {condition}{f" AND {which}" if which else ""}"""


def with_later(selective: bool, body: str) -> str:
    """``body`` (which may use ``lt``), preceded by the portfolio add-back CTE when it needs it."""
    return body if selective else f"WITH {_LATER_SETTLED_CTE}\n{body}"


_OPEN_NOW = "i.total <> i.settled"
_SETTLED_LATER = "i.total = i.settled AND i.last_settlement_on > :as_of"


def open_items(group: GroupBy, condition: str, selective: bool = False) -> str:
    """Invoices that may be open as of :as_of (callers keep ``open_amount <> 0``): those open now, and
    those settled now by a settlement dated after :as_of. Every other invoice was settled by then."""
    return with_later(
        selective,
        f"""{invoices_as_of(group, condition, selective, _OPEN_NOW)}
UNION ALL{invoices_as_of(group, condition, selective, _SETTLED_LATER)}""",
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
SELECT {doc}.customer_id, {doc}.currency, {group_expr(group, doc)} AS grp,
       {doc}.amount - {doc}.applied + {later} AS amount
FROM {table} {doc} JOIN customer_account cu ON cu.id = {doc}.customer_id{join}
WHERE {doc}.tenant_id = :tenant_id{only} AND {dated} <= :as_of AND {condition} AND {which.format(d=doc)}"""


def unapplied_items(group: GroupBy, condition: str, selective: bool = False) -> str:
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


def is_selective(flt: CustomerFilter) -> bool:
    """A filter naming customers touches few rows: use the index-probing form of the sums."""
    return flt.customer_ids is not None
