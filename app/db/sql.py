"""Running hand-written SQL on either engine with named parameters.

Repositories write ``:name`` placeholders once; this module turns them into ``?`` (SQLite) or ``$n``
(asyncpg) and adapts values, so the aggregate queries stay one text for both backends. It builds no
query itself: the SQL, and with it the tenant condition, always comes from a repository.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from app.db import replica

_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


def compile_params(sql: str, params: dict[str, Any], dialect: str) -> tuple[str, list[Any]]:
    """``:name`` placeholders -> the driver's positional ones, with the values in order."""
    values: list[Any] = []
    positions: dict[str, int] = {}

    def adapt(value: Any) -> Any:
        if dialect == "sqlite" and isinstance(value, datetime):
            return value.isoformat(" ")  # as Tortoise stores them, so text comparisons order correctly
        if dialect == "sqlite" and isinstance(value, date):
            return value.isoformat()  # SQLite stores dates as ISO text
        if dialect == "sqlite" and isinstance(value, Decimal):
            return str(value)
        return value

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"SQL parameter :{name} has no value")
        if dialect == "sqlite":
            values.append(adapt(params[name]))
            return "?"
        if name not in positions:
            values.append(adapt(params[name]))
            positions[name] = len(values)
        return f"${positions[name]}"

    return _PARAM.sub(replace, sql), values


def dialect() -> str:
    return connections.get("default").capabilities.dialect


def days_between(later: str, earlier: str) -> str:
    """SQL for whole days from ``earlier`` to ``later`` (two date columns), on either backend."""
    if dialect() == "postgres":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


async def fetch_all(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a repository's query as dicts: from the read replica inside a read marked for it
    (app/db/replica.py), else from the primary or the current transaction."""
    conn = await replica.read_client()
    text, values = compile_params(sql, params, conn.capabilities.dialect)
    return list(await conn.execute_query_dict(text, values))


async def execute(sql: str, params: dict[str, Any], conn: BaseDBAsyncClient | None = None) -> None:
    """Run a repository's write statement on ``conn`` (a transaction's client) or the default one."""
    conn = conn or connections.get("default")
    text, values = compile_params(sql, params, conn.capabilities.dialect)
    await conn.execute_query(text, values)


def as_int(value: Any) -> int:
    """SUM over BIGINT comes back as Decimal from PostgreSQL and int from SQLite; minor units are ints."""
    return int(value or 0)


def as_date(value: Any) -> date:
    """SQLite hands raw-SQL dates back as ISO text, PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
