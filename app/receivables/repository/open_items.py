"""The building blocks of every as-of figure: the invoices and the cash open or unapplied as of a date D.

- ``open_items``: invoices issued <= D, neither void nor draft, with open(D) = total - allocations of
  succeeded payments dated <= D - credit applications dated <= D - write-offs dated <= D. It is computed
  as what is open now (``total - settled``, maintained by ``app.receivables.settlement`` with every write)
  plus the settlements dated after D, and only for invoices that can be open as of D: open now, or
  settled by a settlement after D. Later payments therefore never change an earlier date's figure, and a
  recent date reads the open items alone (a partial index) instead of every invoice and movement.
- ``unapplied_items``: payments (succeeded, received <= D) minus their allocations dated <= D, plus credit
  notes dated <= D minus their applications dated <= D, computed the same way from ``applied``.

The movements dated after D come in two forms with the same numbers: grouped once per document and
hash-joined (a portfolio on PostgreSQL), or a correlated sub-select per document on the owner's
(id, date) index, evaluated only for rows whose last movement is after D (a few customers on any
engine, and everything on SQLite, which has no hash join: ``probes``).

Each joins ``customer_account cu`` and puts ``customer_condition`` (tenant, access rule, filter) in its
WHERE; the tenant id is also repeated on every sub-select. Rows come back per group and currency: the
service converts them to the base currency. Nothing is summed in Python.
"""

from __future__ import annotations

from enum import StrEnum

from app.customers.filters import CustomerFilter
from app.db.plans import is_sqlite, unindexed
from app.receivables.repository.documents import CREDIT_NOTE, INVOICE, PAYMENT, Arm, Document
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


def is_selective(flt: CustomerFilter) -> bool:
    """A filter naming customers touches few rows: start from those customers and probe their documents."""
    return flt.customer_ids is not None


def probes(selective: bool) -> bool:
    """Whether later movements are added back by a correlated sub-select per row (index probes on the
    movement's owner and date) rather than grouped once and joined: for a few customers or invoices on
    every engine, and always on SQLite, which has no hash join, so joining the grouped movements ran as
    a nested loop over them for every invoice (17 s for the demo's summary, docs/performance.md)."""
    return selective or is_sqlite()


def _later_settled() -> str:
    """What is open now (``total - settled``) is maintained with every write (app.receivables.settlement);
    what was open as of :as_of adds back the settlements dated after it. Only an invoice whose last
    settlement is after :as_of has any, so the add-back is skipped (CASE) for every other row."""
    moves = invoice_settlements("x.invoice_id = i.id AND x.date > :as_of", by_invoice=True)
    return f"""CASE WHEN i.last_settlement_on > :as_of THEN
  COALESCE((SELECT SUM(m.amount) FROM ({moves}) m), 0)
  ELSE 0 END"""


def _later_settled_cte() -> str:
    """The same add-back for a portfolio on PostgreSQL: every settlement dated after :as_of, grouped once
    per invoice (the (tenant_id, date) indexes find them) and hash-joined, instead of probing per
    invoice. A CTE, so the two halves of ``open_items`` share one grouping."""
    return f"""lt AS (
  SELECT m.owner_id AS invoice_id, SUM(m.amount) AS amount
  FROM ({invoice_settlements("x.date > :as_of")}) m GROUP BY m.owner_id)"""


def invoices_as_of(group: GroupBy, condition: str, selective: bool, arm: Arm, probing: bool) -> str:
    """Invoices issued by :as_of, neither void nor draft, with ``open_amount`` as of :as_of, the rows of
    ``arm`` only. Unless ``probing``, the statement must start ``with_later`` (it joins ``lt``)."""
    later = _later_settled() if probing else "COALESCE(lt.amount, 0)"
    joined = "" if probing else "\nLEFT JOIN lt ON lt.invoice_id = i.id"
    return f"""
SELECT i.id AS invoice_id, i.customer_id, i.number, i.status, i.currency, i.due_date, i.issue_date, i.total,
       i.last_settlement_on, {group_expr(group, "i")} AS grp,
       i.total - i.settled + {later} AS open_amount
{INVOICE.as_of(arm, condition, selective, joined)}"""


def with_later(probing: bool, body: str) -> str:
    """``body`` (which may use ``lt``), preceded by the portfolio add-back CTE when it needs it."""
    return body if probing else f"WITH {_later_settled_cte()}\n{body}"


def open_items(group: GroupBy, condition: str, selective: bool = False, probing: bool | None = None) -> str:
    """Invoices that may be open as of :as_of (callers keep ``open_amount <> 0``): those open now, and
    those settled now by a settlement dated after :as_of. Every other invoice was settled by then.
    ``probing`` (default ``probes(selective)``): add later settlements back per invoice."""
    probing = probes(selective) if probing is None else probing
    return with_later(
        probing,
        f"""{invoices_as_of(group, condition, selective, Arm.OPEN_NOW, probing)}
UNION ALL{invoices_as_of(group, condition, selective, Arm.SETTLED_LATER, probing)}""",
    )


def _cash_as_of(doc: Document, group: GroupBy, condition: str, selective: bool, arm: Arm) -> str:
    """Payments or credit notes of :as_of with what was unapplied then: the maintained
    ``amount - applied`` plus applications dated after :as_of (only rows whose last application is
    after it have any)."""
    d, moves, owner = doc.alias, doc.moves, doc.owner
    if probes(selective):
        # The owner's index finds its few applications; the tenant column may not choose instead.
        later = f"""CASE WHEN {d}.last_applied_on > :as_of THEN
  COALESCE((SELECT SUM(x.amount) FROM {moves} x
            WHERE x.{owner} = {d}.id AND {unindexed("x.tenant_id")} = :tenant_id AND x.date > :as_of), 0)
  ELSE 0 END"""
        join = ""
    else:
        later = "COALESCE(lt.amount, 0)"
        join = f"""
LEFT JOIN (SELECT x.{owner}, SUM(x.amount) AS amount FROM {moves} x
           WHERE x.tenant_id = :tenant_id AND x.date > :as_of GROUP BY x.{owner}) lt ON lt.{owner} = {d}.id"""
    return f"""
SELECT {d}.customer_id, {d}.currency, {group_expr(group, d)} AS grp,
       {d}.amount - {d}.applied + {later} AS amount
{doc.as_of(arm, condition, selective, join)}"""


def unapplied_items(group: GroupBy, condition: str, selective: bool = False) -> str:
    """Cash and credit that may be unapplied as of :as_of: unapplied now (partial indexes
    ``payment_unapplied_now``, ``credit_note_unapplied_now``), or applied in full by an application
    dated after :as_of."""
    parts = [
        _cash_as_of(doc, group, condition, selective, arm)
        for doc in (PAYMENT, CREDIT_NOTE)
        for arm in (Arm.OPEN_NOW, Arm.SETTLED_LATER)
    ]
    return "\nUNION ALL".join(parts)


def held_by_disputes(invoice: str, probing: bool, opened_by_as_of: bool = True) -> tuple[str, str]:
    """SQL of what open disputes (open or under review; opened by :as_of unless not
    ``opened_by_as_of``) hold of the invoice whose id is ``invoice``, and the join it needs.

    ``probing``: a correlated sum over the (invoice_id, status) index, no join. Otherwise (a portfolio
    on PostgreSQL) the disputes are grouped per invoice once and hash-joined as ``ds``: on SQLite that
    join scanned every dispute for every open invoice."""
    opened = " AND d.opened_on <= :as_of" if opened_by_as_of else ""
    held = f"{opened} AND d.status IN ('open', 'under_review')"
    if probing:
        tenant = unindexed("d.tenant_id")
        return (
            f"""COALESCE((SELECT SUM(d.amount) FROM dispute d
                   WHERE d.invoice_id = {invoice} AND {tenant} = :tenant_id{held}), 0)""",
            "",
        )
    return (
        "COALESCE(ds.amount, 0)",
        f"""
  LEFT JOIN (SELECT d.invoice_id, SUM(d.amount) AS amount FROM dispute d
             WHERE d.tenant_id = :tenant_id AND d.invoice_id IS NOT NULL{held}
             GROUP BY d.invoice_id) ds ON ds.invoice_id = {invoice}""",
    )
