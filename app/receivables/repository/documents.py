"""The receivable documents (invoices, payments, credit notes) and how a query reads each one's rows:
as of a date, by what the maintained sums say (``Arm``), or dated in a period.

Every such read joins the document to ``customer_account cu`` and puts the caller's customer condition
(tenant, access rule, filter: ``app.customers.repository.customer_condition``) in its WHERE, with the
document's own tenant column beside it. The access path is pinned for SQLite (``app.db.plans``); on
PostgreSQL the same SQL is plain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.db.plans import indexed_by, ordered_join, unindexed
from app.receivables.settlement import invoice_settlements


class Arm(Enum):
    """Which of a document's rows a part of an as-of query reads, by what the maintained sums say."""

    ALL = "all"  # every row dated by :as_of
    OPEN_NOW = "open now"  # not settled (applied) in full now: the partial ``*_open_now`` index
    SETTLED_LATER = "settled later"  # settled in full now, by a movement dated after :as_of
    LATER = "later"  # any row with a movement dated after :as_of
    SETTLED_BY = "settled by"  # settled in full now, its last movement dated on or before :as_of


@dataclass(frozen=True)
class Document:
    """A table whose rows are open (or unapplied) by ``total - done`` now, plus their movements dated
    after :as_of: invoices and their settlements, payments and credit notes and their applications."""

    table: str
    alias: str
    dated: str  # the document's own date: it exists as of :as_of when dated on or before it
    total: str
    done: str  # the maintained sum of its movements, all dates
    last: str  # the maintained date of its latest movement
    open_index: str  # the partial index of rows with total <> done
    only: str = ""  # further conditions on the document (a payment counts once it succeeded)
    moves: str = ""  # the table of its movements (invoices: ``invoice_settlements``, several)
    owner: str = ""  # the movement's column naming the document

    def arm_condition(self, arm: Arm, moved: str = ":as_of") -> str:
        d = self.alias
        return {
            Arm.ALL: "",
            Arm.OPEN_NOW: f" AND {d}.{self.total} <> {d}.{self.done}",
            Arm.SETTLED_LATER: f" AND {d}.{self.total} = {d}.{self.done} AND {d}.{self.last} > {moved}",
            Arm.LATER: f" AND {d}.{self.last} > {moved}",
            Arm.SETTLED_BY: f" AND {d}.{self.total} = {d}.{self.done} AND {d}.{self.last} <= {moved}",
        }[arm]

    def as_of(
        self,
        arm: Arm,
        condition: str,
        selective: bool,
        extra_join: str = "",
        *,
        dated_by: str = ":as_of",
        moved: str = ":as_of",
    ) -> str:
        """FROM and WHERE of the document's rows of ``arm`` existing as of :as_of, for the customers of
        ``condition``, with the access path pinned on SQLite (``app.db.plans``):

        - rows open now are read from the partial index ``open_index``;
        - rows with later movements from the ``last`` date's index: the document's own date may not
          choose the index (on SQLite a tie with it, broken the wrong way, read every row dated by D),
          nor for a few named customers the tenant column (a tenant-wide index);
        - for a few named customers (``selective``) the customers are the outer loop and their
          documents are probed by customer; otherwise the documents are the outer loop and each one's
          customer is probed by id.

        ``dated_by`` and ``moved`` bound the document's own date and its last movement's (both :as_of
        but for several dates at once: rows dated by the last that moved after the first)."""
        d = self.alias
        own = f"{self.table} {d}"
        dated, tenant = f"{d}.{self.dated}", f"{d}.tenant_id"
        if arm == Arm.OPEN_NOW:
            own += indexed_by(self.open_index)
        elif arm != Arm.ALL:
            dated = unindexed(dated)
            if selective:
                tenant = unindexed(tenant)
        return f"""FROM {self._with_customer(own, selective)}{extra_join}
WHERE {tenant} = :tenant_id{self.only} AND {dated} <= {dated_by} AND {condition}{self.arm_condition(arm, moved)}"""

    def in_period(self, condition: str | None, selective: bool) -> str:
        """FROM and WHERE of the document's rows dated in (:after, :until] for the customers of
        ``condition``. A few named customers' rows are probed by customer ((tenant_id, customer_id,
        date) indexes); a portfolio's invoices and payments are read from their (tenant_id, date,
        currency, status, amount, customer_id) indexes alone, in date order. ``condition`` None: every
        account of the tenant, so the customer is not probed."""
        d = self.alias
        own = f"{self.table} {d}"
        where = f"{d}.tenant_id = :tenant_id AND {d}.{self.dated} > :after AND {d}.{self.dated} <= :until{self.only}"
        if condition is None:
            return f"FROM {own}\n  WHERE {where}"
        return f"""FROM {self._with_customer(own, selective)}
  WHERE {where}
    AND {condition}"""

    def movements_after(self, since: str = ":as_of", owners: str | None = None) -> str:
        """(owner_id, amount, date) of the tenant's movements of these documents dated after
        ``since``, found by the movements' (tenant_id, date) indexes; or, of the invoices the
        sub-select ``owners`` lists, by each movement table's invoice index."""
        if self.table == "invoice":
            if owners is not None:
                return invoice_settlements(
                    f"x.date > {since} AND x.invoice_id IN ({owners})", by_invoice=True
                )
            return invoice_settlements(f"x.date > {since}")
        return f"""
  SELECT x.{self.owner} AS owner_id, x.amount, x.date FROM {self.moves} x
  WHERE x.tenant_id = :tenant_id AND x.date > {since}"""

    def moved_after(
        self,
        condition: str | None,
        *,
        since: str = ":as_of",
        dated_by: str = ":as_of",
        owners: str | None = None,
    ) -> str:
        """FROM and WHERE of the movements dated after ``since`` (``m``: owner_id, amount, date) of
        the documents dated by ``dated_by`` (both :as_of for one date), for the customers of
        ``condition``: the movements are the outer loop, each probing its document and the document's
        customer by id. ``condition`` None: every account of the tenant, so the customer is not probed
        (the document carries the tenant). ``owners``: only the invoices this sub-select lists."""
        d = self.alias
        moves = f"({self.movements_after(since, owners)}) m"
        own = ordered_join(moves, f"{self.table} {d}", f"{d}.id = m.owner_id")
        where = f"{d}.tenant_id = :tenant_id{self.only} AND {d}.{self.dated} <= {dated_by}"
        if condition is None:
            return f"FROM {own}\nWHERE {where}"
        return f"""FROM {ordered_join(own, "customer_account cu", f"cu.id = {d}.customer_id")}
WHERE {where} AND {condition}"""

    def _with_customer(self, own: str, selective: bool) -> str:
        """The document joined to its customer ``cu``; named customers first, else the documents."""
        customers, on = "customer_account cu", f"cu.id = {self.alias}.customer_id"
        return ordered_join(customers, own, on) if selective else ordered_join(own, customers, on)


INVOICE = Document(
    "invoice", "i", "issue_date", "total", "settled", "last_settlement_on", "invoice_open_now",
    " AND i.status NOT IN ('void', 'draft')",
)  # fmt: skip
PAYMENT = Document(
    "payment", "p", "received_date", "amount", "applied", "last_applied_on", "payment_unapplied_now",
    " AND p.status = 'succeeded'", "payment_allocation", "payment_id",
)  # fmt: skip
CREDIT_NOTE = Document(
    "credit_note", "n", "date", "amount", "applied", "last_applied_on", "credit_note_unapplied_now",
    "", "credit_application", "credit_note_id",
)  # fmt: skip
