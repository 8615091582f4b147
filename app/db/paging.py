"""Pages of a query that counts what matches with a window ``COUNT(*) OVER ()`` column.

One statement returns both the page and the count while the page has a row to carry it. A page of size 0
(a client asking only for ``totalCount``) or one past the end (a stale cursor) has none, yet the count of
what matches is the same: it is then read from the first row of the same query.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Rows = list[dict[str, Any]]


async def page_and_total(
    fetch: Callable[[int, int], Awaitable[Rows]], offset: int, limit: int, total_column: str
) -> tuple[Rows, int]:
    """The rows ``fetch(offset, limit)`` returns and the total of its ``total_column``."""
    rows = await fetch(offset, limit)
    if rows:
        return rows, int(rows[0][total_column])
    if offset == 0 and limit > 0:
        return rows, 0  # an empty first page: nothing matches
    first = await fetch(0, 1)
    return rows, int(first[0][total_column]) if first else 0
