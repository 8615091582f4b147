"""Keys a tenant-sharded PostgreSQL (Citus, distributed by ``tenant_id``) accepts, and the check for them.

Citus places each tenant's rows of every distributed table on one shard and can enforce a key only
within a shard, so (docs/scaling.md, "Citus"):

- every primary key and unique key of a tenant-owned table includes ``tenant_id``;
- every foreign key between two tenant-owned tables includes ``tenant_id`` on both sides, matched to
  each other, so a row can only point at a row of its own tenant.

The second rule is worth having without Citus: a composite foreign key makes "an invoice of tenant A
for a customer of tenant B" impossible in the database itself, not only in the services.

Keys put ``tenant_id`` *last* (``PRIMARY KEY (id, tenant_id)``, ``UNIQUE (token_hash, tenant_id)``): the
index still leads with the column every lookup by id or hash names, so statements that address a row
by its id alone (the ORM's updates) keep their index probe, while the key's column set is what Citus
requires. A foreign key may reference ``(tenant_id, id)`` against that ``(id, tenant_id)`` key:
PostgreSQL matches a foreign key to a unique index by its set of columns.

A foreign key that nulls its column on delete names that column (``ON DELETE SET NULL (customer_id)``,
PostgreSQL 15+): a plain ``SET NULL`` would null ``tenant_id`` as well.

PostgreSQL only: SQLite has no shards and cannot alter a table's keys in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

TENANT = "tenant_id"
#: ``pg_constraint.confdeltype`` -> the ON DELETE clause (``n`` is rendered with its columns).
_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "d": "SET DEFAULT"}

_TENANT_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attname = 'tenant_id'
  AND NOT a.attisdropped ORDER BY c.relname"""

#: Primary and unique keys (constraints and unique indexes without one) with their columns in order.
_KEYS = """
SELECT t.relname AS tbl, COALESCE(k.conname, x.relname) AS name,
       CASE WHEN i.indisprimary THEN 'p' WHEN k.oid IS NOT NULL THEN 'u' ELSE 'i' END AS kind,
       ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS u(attnum, n)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum ORDER BY u.n)::text[]
         AS columns
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.contype IN ('p', 'u')
WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique AND t.relname = ANY($1::text[])
ORDER BY 1, 2"""

_FOREIGN_KEYS = """
SELECT k.conname AS name, t.relname AS tbl, r.relname AS ref, k.confdeltype::text AS on_delete,
       ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, n)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.n)::text[]
         AS columns,
       ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, n)
             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.n)::text[]
         AS ref_columns
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace
  AND (t.relname = ANY($1::text[]) OR r.relname = ANY($1::text[]))
ORDER BY 1"""


@dataclass(frozen=True)
class Key:
    table: str
    name: str
    kind: str  # 'p' primary key, 'u' unique constraint, 'i' unique index without a constraint
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    ref: str
    on_delete: str
    columns: tuple[str, ...]
    ref_columns: tuple[str, ...]

    def matches_tenant(self) -> bool:
        """``tenant_id`` on both sides, in the same position: the row and its target share a tenant."""
        return TENANT in self.columns and self.ref_columns[self.columns.index(TENANT)] == TENANT


async def tenant_tables(conn: BaseDBAsyncClient) -> list[str]:
    """The tables with a ``tenant_id`` column: every tenant-owned table (tests/test_tenancy.py)."""
    return [r["relname"] for r in await conn.execute_query_dict(_TENANT_TABLES)]


async def keys(conn: BaseDBAsyncClient, tables: list[str]) -> list[Key]:
    rows = await conn.execute_query_dict(_KEYS, [tables])
    return [Key(r["tbl"], r["name"], r["kind"], tuple(r["columns"])) for r in rows]


async def foreign_keys(conn: BaseDBAsyncClient, tables: list[str]) -> list[ForeignKey]:
    rows = await conn.execute_query_dict(_FOREIGN_KEYS, [tables])
    return [
        ForeignKey(
            r["name"], r["tbl"], r["ref"], r["on_delete"], tuple(r["columns"]), tuple(r["ref_columns"])
        )
        for r in rows
    ]


async def incompatible(conn: BaseDBAsyncClient, tables: list[str]) -> list[str]:
    """Each key of ``tables`` that Citus would refuse, as ``table: what and why`` (empty: all fine)."""
    owned = set(tables)
    found_keys = await keys(conn, tables)
    found = [
        f"{k.table}: {'primary key' if k.kind == 'p' else 'unique key'} {k.name} ({', '.join(k.columns)}) "
        "lacks tenant_id"
        for k in found_keys
        if TENANT not in k.columns
    ]
    primary = {k.table for k in found_keys if k.kind == "p"}
    found += [f"{t}: no primary key" for t in tables if t not in primary]
    for fk in await foreign_keys(conn, tables):
        if fk.table in owned and fk.ref in owned and not fk.matches_tenant():
            found.append(
                f"{fk.table}: foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref} "
                f"({', '.join(fk.ref_columns)}) does not match tenant_id on both sides"
            )
        elif fk.table not in owned:
            found.append(f"{fk.table}: foreign key {fk.name} from a table without tenant_id into {fk.ref}")
    return sorted(found)


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _on_delete(fk: ForeignKey) -> str:
    if fk.on_delete == "n":
        return f"SET NULL ({_columns(fk.columns)})"
    return _ON_DELETE[fk.on_delete]


async def make_compatible(conn: BaseDBAsyncClient) -> list[str]:
    """Rewrite the keys of every tenant-owned table as Citus needs them; returns the statements run.

    Run inside one transaction (a migration): the foreign keys between tenant-owned tables are dropped,
    the primary and unique keys rebuilt with ``tenant_id``, then the foreign keys added back with
    ``tenant_id`` on both sides and the same ON DELETE action. Keys already compatible are left alone,
    so running it twice changes nothing.
    """
    version = int((await conn.execute_query_dict("SHOW server_version_num"))[0]["server_version_num"])
    if version < 150000:
        raise RuntimeError(
            "Ledgerport needs PostgreSQL 15 or later: its composite foreign keys use "
            "ON DELETE SET NULL (column) (docs/scaling.md)"
        )
    tables = await tenant_tables(conn)
    owned = set(tables)
    statements: list[str] = []
    rebuilt = []
    for fk in await foreign_keys(conn, tables):
        if fk.table not in owned:
            raise RuntimeError(f"{fk.table}.{fk.name}: a table without tenant_id references {fk.ref}")
        if fk.ref in owned and not fk.matches_tenant():
            statements.append(f'ALTER TABLE "{fk.table}" DROP CONSTRAINT "{fk.name}"')
            rebuilt.append(fk)
    for key in await keys(conn, tables):
        if TENANT in key.columns:
            continue
        wanted = _columns((*key.columns, TENANT))
        if key.kind == "p":
            statements.append(
                f'ALTER TABLE "{key.table}" DROP CONSTRAINT "{key.name}", ADD PRIMARY KEY ({wanted})'
            )
        elif key.kind == "u":
            statements.append(
                f'ALTER TABLE "{key.table}" DROP CONSTRAINT "{key.name}", '
                f'ADD CONSTRAINT "{key.name}" UNIQUE ({wanted})'
            )
        else:
            raise RuntimeError(
                f"{key.table}.{key.name}: a unique index without tenant_id; rebuild it by hand"
            )
    for fk in rebuilt:
        columns = (TENANT, *fk.columns)
        statements.append(
            f'ALTER TABLE "{fk.table}" ADD CONSTRAINT "{fk.name}" FOREIGN KEY ({_columns(columns)}) '
            f'REFERENCES "{fk.ref}" ({_columns((TENANT, *fk.ref_columns))}) '
            f"ON DELETE {_on_delete(fk)}"
        )
    for statement in statements:
        await conn.execute_script(statement)
    return statements
