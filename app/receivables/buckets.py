"""Aging buckets from the tenant's edges, and the dates that bound them as of a day.

Days past due = as-of date - due date. Rather than computing day differences in SQL (which SQLite and
PostgreSQL spell differently), each bucket's lower due date is computed here and the SQL compares
``due_date`` against those dates in a CASE, so one query text serves both engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Bucket:
    index: int
    label: str
    from_days: int | None  # None: open below (Current includes not-yet-due, negative days)
    to_days: int | None  # None: open above (the last bucket)


def buckets_from_edges(edges: list[int]) -> list[Bucket]:
    """[30, 60] -> Current (<= 0), 1-30, 31-60, 61+."""
    out = [Bucket(0, "Current", None, 0)]
    lower = 1
    for n, edge in enumerate(edges, start=1):
        out.append(Bucket(n, f"{lower}-{edge}", lower, edge))
        lower = edge + 1
    out.append(Bucket(len(edges) + 1, f"{lower}+", lower, None))
    return out


def bucket_case(
    column: str, buckets: list[Bucket], as_of: date, values: dict[int, str] | None = None
) -> tuple[str, dict[str, date]]:
    """A SQL CASE giving the bucket index of ``column`` (a due or issue date) as of ``as_of``, or the SQL
    literal ``values[index]`` when given (e.g. a weight per bucket).

    A row is in bucket k when its days past due are at most ``to_days`` of k, i.e. its date is on or after
    ``as_of - to_days``; the CASE tests buckets from Current upwards and the last bucket is the ELSE.
    """
    whens = []
    params: dict[str, date] = {}

    def value(index: int) -> str:
        return values[index] if values is not None else str(index)

    for bucket in buckets[:-1]:
        name = f"bucket_from_{bucket.index}"
        params[name] = as_of - timedelta(days=bucket.to_days or 0)
        whens.append(f"WHEN {column} >= :{name} THEN {value(bucket.index)}")
    return f"CASE {' '.join(whens)} ELSE {value(buckets[-1].index)} END", params
