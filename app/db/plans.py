"""Pinning SQLite's query plans where its planner guesses wrong; plain SQL on PostgreSQL.

SQLite has no hash join: every join is a nested loop that probes the inner side, by an index when one
fits. And without ``ANALYZE`` statistics (an embedded database rarely has them) it assumes that an
equality on an index's first column leaves ten rows. ``tenant_id = ?`` leads most of our indexes, so it
rates "this tenant's invoices issued before D" as a handful of rows and prefers that range to the
partial index of open invoices, or to a per-invoice index for a correlated sub-select. The demo's
summary ran for 17 s that way (docs/performance.md).

The repositories state the access path they mean with these helpers instead of hoping: each renders
SQLite's own syntax on SQLite and the unchanged SQL on PostgreSQL, whose planner has statistics and
hash joins and is left to choose.

- ``indexed_by``: use this index (SQLite's ``INDEXED BY``; an error, not a slow plan, if it cannot);
- ``unindexed``: this term may filter rows but not choose an index (SQLite's unary ``+``);
- ``ordered_join``: the left side is the outer loop (SQLite's ``CROSS JOIN``);
- ``materialized``: compute a CTE once, before the statement uses it;
- ``is_sqlite``: for the few statements whose whole shape differs between the engines.
"""

from __future__ import annotations

from app.db.sql import dialect


def is_sqlite() -> bool:
    return dialect() == "sqlite"


def indexed_by(index: str) -> str:
    """`` INDEXED BY index`` on SQLite (goes right after the table's alias), nothing elsewhere."""
    return f" INDEXED BY {index}" if is_sqlite() else ""


def unindexed(column: str) -> str:
    """``column`` for a WHERE term that must not pick the index: ``+column`` on SQLite."""
    return f"+{column}" if is_sqlite() else column


def ordered_join(outer: str, inner: str, on: str) -> str:
    """``outer JOIN inner ON on``, with ``outer`` pinned as SQLite's outer loop (``CROSS JOIN``)."""
    return f"{outer} {'CROSS JOIN' if is_sqlite() else 'JOIN'} {inner} ON {on}"


def materialized() -> str:
    """``MATERIALIZED `` on SQLite (after a CTE's ``AS``): compute it once, as written. Else SQLite
    folds it into each use and repeats every correlated sub-select in it for each column that names
    it. PostgreSQL is left to inline a CTE used once."""
    return "MATERIALIZED " if is_sqlite() else ""
