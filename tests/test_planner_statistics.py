"""A bulk import leaves PostgreSQL with statistics of what it wrote (app/db/statistics.py).

Without them a table last analysed when empty is estimated at a row or two for ``tenant_id = ...``, and
the dashboard's aggregates run as nested loops: the console's overview timed out on a freshly seeded
30-customer tenant. The test analyses the empty table first (what a new deployment, or autovacuum before
the load, leaves), imports, and asks the planner what it now expects."""

from __future__ import annotations

import re

import pytest
from tortoise import connections

from app.db.statistics import BULK_ROWS
from app.ingest.service import import_batch

INVOICES = BULK_ROWS + 50


def _batch() -> dict:
    customer = {"externalId": "C1", "accountNumber": "ACC-1", "name": "Acme", "currency": "USD",
                "region": "North", "segment": "Enterprise", "country": "US"}  # fmt: skip
    invoices = [
        {"externalId": f"I{n}", "number": f"INV-{n}", "customer": "C1", "issueDate": "2026-01-05",
         "dueDate": "2026-02-04", "currency": "USD", "lines": [{"description": "Goods", "unitPrice": "10.00"}]}
        for n in range(INVOICES)
    ]  # fmt: skip
    return {"customers": [customer], "invoices": invoices}


async def _estimated_rows(sql: str) -> int:
    _, rows = await connections.get("default").execute_query(f"EXPLAIN {sql}")
    return int(re.search(r"rows=(\d+)", next(iter(rows[0].values()))).group(1))


@pytest.mark.engine("postgres")
async def test_after_a_bulk_import_the_planner_expects_the_rows_it_wrote(scope_a, scope_b):
    await connections.get("default").execute_script("ANALYZE invoice, invoice_line")  # empty: stale stats
    await import_batch(scope_a, _batch())

    estimate = await _estimated_rows(f"SELECT id FROM invoice WHERE tenant_id = {scope_a.tenant_id}")
    assert INVOICES / 2 <= estimate <= INVOICES * 2, estimate
    assert await _estimated_rows(f"SELECT id FROM invoice WHERE tenant_id = {scope_b.tenant_id}") < 10
