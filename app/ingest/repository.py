"""Every query of the ingest path: bulk reads of stored rows by key, and bulk writes in one transaction.

Reads go through ``scoped`` so a batch only ever sees its own tenant's rows, whatever external ids it
names. Writes take rows already stamped for the caller's tenant; they use PostgreSQL's COPY for inserts
(through the transaction's own asyncpg connection) and multi-row parameterised statements on SQLite, never
one ORM round trip per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from app import clock
from app.db.scoping import scoped
from app.ingest.tables import CHILDREN, Children, Table, nested_sort_key
from app.models import Invoice
from app.scope import Scope

#: Keys per ``IN (...)`` list: well under SQLite's and asyncpg's parameter limits.
READ_CHUNK = 5_000
#: Rows per multi-row INSERT / executemany on SQLite (and per COPY on PostgreSQL).
WRITE_CHUNK = 50_000


def plain(value: Any) -> Any:
    """Enum members as their stored string, so stored and incoming values compare and sort alike."""
    return value.value if isinstance(value, StrEnum) else value


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def has_rows(scope: Scope, table: Table | Children) -> bool:
    return await scoped(table.model, scope).exists()


async def rows_by_key(scope: Scope, table: Table, keys: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """Stored rows whose key is among ``keys``: key -> {id, columns...}. Two-part keys are tuples."""
    keys = sorted(set(keys), key=str)
    if not keys:
        return {}
    fields = ("id", *table.columns)
    found: dict[Any, dict[str, Any]] = {}
    if len(table.key) == 1:
        (column,) = table.key
        for part in chunks(keys, READ_CHUNK):
            for row in await scoped(table.model, scope).filter(**{f"{column}__in": part}).values(*fields):
                found[row[column]] = {k: plain(v) for k, v in row.items()}
        return found
    first, second = table.key
    by_first: dict[Any, list[Any]] = defaultdict(list)
    for a, b in keys:
        by_first[a].append(b)
    for a, seconds in by_first.items():
        for part in chunks(seconds, READ_CHUNK):
            query = scoped(table.model, scope).filter(**{first: a, f"{second}__in": part})
            for row in await query.values(*fields):
                found[(row[first], row[second])] = {k: plain(v) for k, v in row.items()}
    return found


async def owners(scope: Scope, table: Table, column: str, values: Iterable[str]) -> dict[str, str]:
    """Which stored record (by external id) holds each of ``values`` in a unique ``column``."""
    values = sorted(set(values))
    found: dict[str, str] = {}
    for part in chunks(values, READ_CHUNK):
        query = scoped(table.model, scope).filter(**{f"{column}__in": part})
        for value, external_id in await query.values_list(column, "external_id"):
            found[value] = external_id
    return found


async def children_of(scope: Scope, children: Children, parent_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Stored nested rows per parent id, as tuples of ``children.columns``, sorted for comparison."""
    parent_ids = sorted(set(parent_ids))
    found: dict[int, list[tuple]] = defaultdict(list)
    for part in chunks(parent_ids, READ_CHUNK):
        query = scoped(children.model, scope).filter(**{f"{children.parent_column}__in": part})
        for row in await query.values_list(children.parent_column, *children.columns):
            found[row[0]].append(tuple(plain(v) for v in row[1:]))
    for rows in found.values():
        rows.sort(key=nested_sort_key)
    return found


async def settled_amounts(scope: Scope, invoice_ids: Iterable[int]) -> dict[int, int]:
    """Per stored invoice: what settles it (succeeded payments allocated + credit applied + written off,
    all dates), the sum every writer maintains (app.receivables.settlement)."""
    invoice_ids = sorted(set(invoice_ids))
    settled: dict[int, int] = {}
    for part in chunks(invoice_ids, READ_CHUNK):
        query = scoped(Invoice, scope).filter(id__in=part, settled__not=0).values_list("id", "settled")
        settled.update({invoice_id: int(amount) for invoice_id, amount in await query})
    return settled


async def allocate_ids(conn: BaseDBAsyncClient, table: str, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, reserved up front so references resolve before any write.

    PostgreSQL hands them out from the table's sequence; on SQLite the import's transaction holds the
    only write lock, so the next ids after the current maximum are ours.
    """
    if count == 0:
        return []
    if conn.capabilities.dialect == "postgres":
        sql = f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {count})"
        _, rows = await conn.execute_query(sql)
        return [row[0] for row in rows]
    _, rows = await conn.execute_query(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
    start = rows[0][0] + 1
    return list(range(start, start + count))


def _defaults(model: type[Model], columns: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns the import does not set that need their model default (raw inserts bypass the ORM)."""
    names, values = [], []
    for name, field in model._meta.fields_map.items():
        column = getattr(field, "source_field", None) or name
        if (
            column in columns
            or name in ("id", "tenant", "tenant_id", "created_at", "updated_at")
            or not field.model_field_name
            or getattr(field, "reference", None) is not None
            or name in model._meta.fetch_fields
        ):
            continue
        if field.default is None or callable(field.default):
            continue
        names.append(column)
        values.append(plain(field.default))
    return names, tuple(values)


def _stamped(
    model: type[Model], scope: Scope, columns: Sequence[str], timestamped: bool
) -> tuple[list[str], tuple]:
    extra_columns, extra_values = _defaults(model, columns)
    extra_columns.append("tenant_id")
    extra_values += (scope.tenant_id,)
    if timestamped:
        now = clock.now()
        extra_columns += ["created_at", "updated_at"]
        extra_values += (now, now)
    return [*columns, *extra_columns], extra_values


async def insert_rows(
    conn: BaseDBAsyncClient,
    scope: Scope,
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    timestamped: bool,
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) for the caller's tenant."""
    if not rows:
        return
    table = model._meta.db_table
    all_columns, extra = _stamped(model, scope, columns, timestamped)
    if conn.capabilities.dialect == "postgres":
        async with conn.acquire_connection() as raw:
            for part in chunks(rows, WRITE_CHUNK):
                await raw.copy_records_to_table(
                    table, records=[(*row, *extra) for row in part], columns=all_columns
                )
        return
    names = ", ".join(f'"{c}"' for c in all_columns)
    marks = ", ".join("?" * len(all_columns))
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    for part in chunks(rows, WRITE_CHUNK):
        await conn.execute_many(sql, [(*row, *extra) for row in part])


async def update_rows(
    conn: BaseDBAsyncClient,
    scope: Scope,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    timestamped: bool,
) -> None:
    """Update rows by id; each row is ``(id, *values in columns order)``."""
    if not rows:
        return
    sets = list(columns) + (["updated_at"] if timestamped else [])
    extra = (clock.now(),) if timestamped else ()
    if conn.capabilities.dialect == "postgres":
        assignments = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(sets, start=1))
        n = len(sets)
        sql = f'UPDATE "{table}" SET {assignments} WHERE id = ${n + 1} AND tenant_id = ${n + 2}'
    else:
        assignments = ", ".join(f'"{c}" = ?' for c in sets)
        sql = f'UPDATE "{table}" SET {assignments} WHERE id = ? AND tenant_id = ?'
    values = [(*row[1:], *extra, row[0], scope.tenant_id) for row in rows]
    for part in chunks(values, WRITE_CHUNK):
        await conn.execute_many(sql, list(part))


async def delete_children(scope: Scope, children: Children, parent_ids: Sequence[int]) -> None:
    for part in chunks(sorted(parent_ids), READ_CHUNK):
        await scoped(children.model, scope).filter(**{f"{children.parent_column}__in": part}).delete()


async def export_rows(scope: Scope, table: Table) -> list[dict[str, Any]]:
    """Every row of a record type for the caller's tenant, in insertion order."""
    rows = await scoped(table.model, scope).order_by("id").values("id", *table.columns)
    return [{k: plain(v) for k, v in row.items()} for row in rows]


async def export_children(scope: Scope, record_type: str) -> dict[int, list[tuple]]:
    """Every nested row of a record type, grouped by parent id, in insertion order."""
    children = CHILDREN[record_type]
    grouped: dict[int, list[tuple]] = defaultdict(list)
    query = scoped(children.model, scope).order_by("id")
    for row in await query.values_list(children.parent_column, *children.columns):
        grouped[row[0]].append(tuple(row[1:]))
    return grouped
