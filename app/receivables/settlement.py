"""The maintained settlement sums, kept exact by every write of the movements behind them.

Three pairs of columns summarise movements so that as-of figures need not sum them again:

- ``invoice.settled`` / ``last_settlement_on`` (and ``first_settlement_on``): allocations of succeeded
  payments, credit applications and write-offs of the invoice, all dates (what is open now is
  ``total - settled``; an invoice whose first and last dates agree was settled on that one day, which
  lets a trend read it without its movements: ``app.receivables.repository.month_ends``);
- ``payment.applied`` / ``last_applied_on``: the payment's allocations, all dates;
- ``credit_note.applied`` / ``last_applied_on``: the note's applications, all dates.

Figures as of a date D then start from what is open now and add back the movements dated after D, which
only rows with a last date after D have (``app.receivables.repository``). So the sums are never a cache
that can lag: every writer of allocations, credit applications, write-offs or a payment's status calls
``refresh`` for the rows it touched, in the same transaction, and a rolled-back write rolls the sums back
with it. ``drift`` lists rows whose sums disagree with their movements (the test suite asserts it is empty
after every test; ``ledgerport balances verify`` does the same on a live database) and ``refresh`` with
no restriction rebuilds a whole tenant (after a bulk load, or to repair).

Each refresh is two set-based statements per table, the same text on SQLite (3.33+) and PostgreSQL:
an ``UPDATE ... FROM`` of the grouped movements, and a reset of rows whose movements are all gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.db.plans import unindexed
from app.db.sql import execute, fetch_all

#: Ids per ``IN (...)`` list, well under SQLite's and asyncpg's parameter limits.
_CHUNK = 1_000


@dataclass(frozen=True)
class _Source:
    """A table of movements: ``source`` aliased ``x`` (with any join), its owner column and condition."""

    source: str
    owner: str
    condition: str = ""

    def rows(self, where: str, by_owner: bool = False) -> str:
        """(owner_id, amount, date) of the tenant's movements meeting ``where`` (``x`` is the movement).

        ``by_owner``: ``where`` names the owners, whose own index must find their movements; on SQLite
        the tenant column would otherwise pick the tenant-wide (tenant_id, date) index instead."""
        tenant = unindexed("x.tenant_id") if by_owner else "x.tenant_id"
        return f"""
  SELECT x.{self.owner} AS owner_id, x.amount, x.date FROM {self.source}
  WHERE {tenant} = :tenant_id AND {where}{self.condition}"""

    def none_for(self, table: str) -> str:
        """SQL true when a row of ``table`` has no movement here (an anti-join, index-probed)."""
        return f"NOT EXISTS (SELECT 1 FROM {self.source} WHERE x.{self.owner} = {table}.id{self.condition})"


@dataclass(frozen=True)
class _Summary:
    """One maintained pair: ``table.sum_column`` / ``table.date_column`` over its ``sources``."""

    table: str
    sum_column: str
    date_column: str
    sources: tuple[_Source, ...]
    first_column: str | None = None  # the earliest movement's date, where a reader needs it

    def movements(self, owners: str) -> str:
        """The movements of the owners whose ids ``owners`` lists (or sub-selects)."""
        return self.movements_where(lambda source: f"x.{source.owner} IN ({owners})")

    def movements_where(self, where, by_owner: bool = False) -> str:
        """Every source's movements meeting ``where(source)``, as one (owner_id, amount, date) union."""
        return "\n  UNION ALL".join(source.rows(where(source), by_owner) for source in self.sources)


_SUCCEEDED_ALLOCATIONS = _Source(
    "payment_allocation x JOIN payment p ON p.id = x.payment_id AND p.tenant_id = x.tenant_id",
    "invoice_id",
    " AND p.status = 'succeeded'",
)
_INVOICE = _Summary(
    "invoice",
    "settled",
    "last_settlement_on",
    (
        _SUCCEEDED_ALLOCATIONS,
        _Source("credit_application x", "invoice_id"),
        _Source("write_off x", "invoice_id"),
    ),
    "first_settlement_on",
)
_PAYMENT = _Summary("payment", "applied", "last_applied_on", (_Source("payment_allocation x", "payment_id"),))
_CREDIT_NOTE = _Summary(
    "credit_note", "applied", "last_applied_on", (_Source("credit_application x", "credit_note_id"),)
)
SUMMARIES = (_INVOICE, _PAYMENT, _CREDIT_NOTE)


def invoice_settlements(where: str, by_invoice: bool = False) -> str:
    """(owner_id = invoice_id, amount, date) of what settles invoices (allocations of succeeded payments,
    credit applications, write-offs) meeting ``where`` on the movement ``x``: the one definition the
    as-of queries and the maintained ``settled`` share. ``by_invoice``: ``where`` names the invoice (a
    correlated sub-select), so each movement table is probed by its invoice index."""
    return _INVOICE.movements_where(lambda _source: where, by_invoice)


def _grouped(summary: _Summary, owners: str) -> str:
    return f"""
SELECT m.owner_id, SUM(m.amount) AS amount, MAX(m.date) AS last_on, MIN(m.date) AS first_on
FROM ({summary.movements(owners)}) m GROUP BY m.owner_id"""


def _refresh_sql(summary: _Summary, owners: str) -> tuple[str, str]:
    """The UPDATE of rows with movements, and the reset of rows without any (left from a deletion)."""
    t, total, last, first = summary.table, summary.sum_column, summary.date_column, summary.first_column
    sets, differs, resets = (
        f"{total} = s.amount, {last} = s.last_on",
        f"{t}.{last} IS DISTINCT FROM s.last_on",
        "",
    )
    if first:
        sets += f", {first} = s.first_on"
        differs += f" OR {t}.{first} IS DISTINCT FROM s.first_on"
        resets = f", {first} = NULL"
    update = f"""
UPDATE {t} SET {sets}
FROM ({_grouped(summary, owners)}) s
WHERE {t}.id = s.owner_id AND {t}.tenant_id = :tenant_id
  AND ({t}.{total} <> s.amount OR {differs})"""
    none = " AND ".join(source.none_for(t) for source in summary.sources)
    reset = f"""
UPDATE {t} SET {total} = 0, {last} = NULL{resets}
WHERE {t}.tenant_id = :tenant_id AND {t}.id IN ({owners})
  AND ({t}.{total} <> 0 OR {t}.{last} IS NOT NULL) AND {none}"""
    return update, reset


def _owners(ids: list[int]) -> tuple[str, dict[str, Any]]:
    """A list of the ids (bound), kept to the tenant's rows where the statements use it."""
    names = {f"own{n}": value for n, value in enumerate(ids)}
    return ", ".join(f":{name}" for name in names), names


async def _run(
    conn: BaseDBAsyncClient | None, summary: _Summary, owners: str, params: dict[str, Any]
) -> None:
    for sql in _refresh_sql(summary, owners):
        await execute(sql, params, conn)


async def refresh(
    tenant_id: int,
    *,
    invoice_ids: Iterable[int] = (),
    payment_ids: Iterable[int] = (),
    credit_note_ids: Iterable[int] = (),
    whole_tenant: bool = False,
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Recompute the sums of the rows named (or of the whole tenant) from their movements, in the
    caller's transaction.

    A payment's allocations settle invoices only while it has succeeded, so a writer that changes a
    payment's status passes the payment's invoices too (``invoices_of_payments``)."""
    base = {"tenant_id": tenant_id}
    if whole_tenant:
        for summary in SUMMARIES:
            await _run(
                conn, summary, f"SELECT o.id FROM {summary.table} o WHERE o.tenant_id = :tenant_id", base
            )
        return
    named = {_INVOICE: invoice_ids, _PAYMENT: payment_ids, _CREDIT_NOTE: credit_note_ids}
    for summary in SUMMARIES:
        ids = sorted(set(named[summary]))
        for start in range(0, len(ids), _CHUNK):
            owners, params = _owners(ids[start : start + _CHUNK])
            await _run(conn, summary, owners, {**base, **params})


async def invoices_of_payments(tenant_id: int, payment_ids: Iterable[int]) -> list[int]:
    """Invoices that allocations of these payments touch (their sums follow the payments' status)."""
    ids = sorted(set(payment_ids))
    if not ids:
        return []
    owners, params = _owners(ids)
    rows = await fetch_all(
        f"""SELECT DISTINCT a.invoice_id FROM payment_allocation a
WHERE a.tenant_id = :tenant_id AND a.payment_id IN ({owners})""",
        {"tenant_id": tenant_id, **params},
    )
    return [r["invoice_id"] for r in rows]


async def drift(tenant_id: int) -> list[dict[str, Any]]:
    """Rows of the tenant whose maintained sums differ from their movements: (table, id, stored, actual).

    Empty when every writer refreshed what it touched."""
    found: list[dict[str, Any]] = []
    for summary in SUMMARIES:
        t, total, last = summary.table, summary.sum_column, summary.date_column
        first = summary.first_column
        owners = f"SELECT o.id FROM {t} o WHERE o.tenant_id = :tenant_id"
        firsts = f", t.{first} AS stored_first, s.first_on AS actual_first" if first else ""
        first_differs = f" OR t.{first} IS DISTINCT FROM s.first_on" if first else ""
        rows = await fetch_all(
            f"""
SELECT t.id, t.{total} AS stored, COALESCE(s.amount, 0) AS actual, t.{last} AS stored_on, s.last_on AS actual_on{firsts}
FROM {t} t LEFT JOIN ({_grouped(summary, owners)}) s ON s.owner_id = t.id
WHERE t.tenant_id = :tenant_id
  AND (t.{total} <> COALESCE(s.amount, 0) OR t.{last} IS DISTINCT FROM s.last_on{first_differs})
ORDER BY t.id""",
            {"tenant_id": tenant_id},
        )
        found += [{"table": t, **row} for row in rows]
    return found
