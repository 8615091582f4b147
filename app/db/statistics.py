"""Fresh planner statistics after a bulk write, on PostgreSQL.

PostgreSQL plans from table statistics that autovacuum refreshes a minute or more after a table changed
by a tenth. Until then a table that was empty or small when last analysed is estimated at a row or two,
and the planner picks nested loops for the dashboard's aggregates: on a freshly imported 30-customer
tenant the as-of summary probed 95,810 times and took 1.5 s instead of milliseconds, and the console's
overview timed out (issue 18's "browser tests hang on PostgreSQL"). So a write of many rows analyses the
tables it wrote, right after its commit: what the operator would otherwise have to remember after every
load. SQLite keeps no such statistics for us (its plans are pinned, app/db/plans.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from app.db.sql import dialect

#: Rows written by one statement batch from which the tables are analysed (below, autovacuum's own
#: threshold of 50 rows + 10 % keeps up soon enough and the plans barely change).
BULK_ROWS = 200


async def refresh_after_bulk_write(tables: Iterable[str], rows_written: int) -> bool:
    """``ANALYZE`` these tables if ``rows_written`` makes a bulk write; whether it did. Outside any
    transaction of the write: the new rows must be committed to be counted."""
    names = sorted(set(tables))
    if rows_written < BULK_ROWS or not names or dialect() != "postgres":
        return False
    conn = connections.get("default")
    if isinstance(conn, TransactionalDBClient):
        # The write is part of a larger transaction (a dunning run billing its charges): its rows are not
        # committed yet, and ANALYZE would hold its lock until that transaction ends. Autovacuum follows.
        return False
    quoted = ", ".join(f'"{name}"' for name in names)
    await conn.execute_script(f"ANALYZE {quoted}")
    return True
