"""The latest exchange rates as of a date: right for every currency, and cheap however long the history.

Tenants load daily rates for years; every summary and every figure-ordered customer page reads the
latest rate of each currency, so that read must not grow with the history (it took 160 ms at five years
of ten currencies when it looked up each stored row's latest date).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from tortoise import connections

from app.db.sql import fetch_all
from app.fx import repository
from app.fx.service import all_rates
from app.models import FxRate
from tests import builders


async def daily_rates(scope, currency: str, first: date, days: int, rate: str) -> None:
    await FxRate.bulk_create(
        [
            FxRate(
                tenant_id=scope.tenant_id,
                currency=currency,
                date=first + timedelta(days=n),
                rate=Decimal(rate),
            )
            for n in range(days)
        ]
    )


async def test_each_currency_gets_its_latest_rate_on_or_before_the_date(db, scope_a, scope_b):
    await daily_rates(scope_a, "EUR", date(2026, 1, 1), 179, "1.08")  # to 2026-06-28
    await builders.fx_rate(scope_a, "EUR", "2026-06-29", "1.10")  # the latest on or before 06-30
    await builders.fx_rate(scope_a, "EUR", "2026-07-01", "1.50")  # after the date: ignored
    await builders.fx_rate(scope_a, "GBP", "2026-03-31", "1.2700000001")  # months old, still the latest
    await builders.fx_rate(scope_a, "JPY", "2026-07-02", "0.0068")  # only after the date: no rate
    await builders.fx_rate(scope_b, "CHF", "2026-06-01", "1.12")  # another tenant's
    await builders.fx_rate(scope_b, "EUR", "2026-06-30", "9.99")

    rates = await repository.latest_rates(scope_a, date(2026, 6, 30))
    converter = await all_rates(scope_a, "USD", date(2026, 6, 30))

    assert rates == {"EUR": Decimal("1.10"), "GBP": Decimal("1.2700000001")}
    assert converter.rates == {**rates, "USD": Decimal(1)}
    assert await repository.latest_rates(scope_a, date(2025, 12, 31)) == {}
    assert await repository.latest_rates(scope_b, date(2026, 6, 30)) == {
        "CHF": Decimal("1.12"),
        "EUR": Decimal("9.99"),
    }


async def test_reading_the_latest_rates_does_not_grow_with_the_rate_history(db, scope_a):
    for currency in ("CAD", "EUR", "GBP"):
        await daily_rates(scope_a, currency, date(2025, 1, 1), 400, "1.25")  # 1,200 rows

    work = await work_done(
        repository.LATEST_RATES_SQL, {"tenant_id": scope_a.tenant_id, "on": date(2025, 12, 31)}
    )

    # Touching every stored rate once would already be 1,200; a few index probes per currency is far less.
    assert work < 1200, f"{work} units of work to find 3 latest rates among 1,200"


async def work_done(sql: str, params: dict) -> int:
    """How much a query reads: rows returned by its scans over all loops (PostgreSQL's EXPLAIN
    ANALYZE), or virtual machine instructions run (SQLite's progress handler)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        plan = json.loads((await fetch_all(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params))[0]["QUERY PLAN"])
        return rows_read(plan[0]["Plan"])
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    await conn._connection.set_progress_handler(count, 1)
    try:
        await fetch_all(sql, params)
    finally:
        await conn._connection.set_progress_handler(None, 1)
    return steps


def rows_read(node: dict) -> int:
    """Rows the scans of a PostgreSQL plan returned, over all their loops."""
    own = node["Actual Rows"] * node["Actual Loops"] if "Scan" in node["Node Type"] else 0
    return own + sum(rows_read(child) for child in node.get("Plans", []))
