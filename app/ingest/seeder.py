"""Demo data: a tenant's customers and about ``months`` of receivables history, as ingest batches.

Deterministic for a seed (each customer draws from its own ``Random(seed, index)``) and dated relative to
``today`` so the demo always looks current. Customers follow one of a few payment behaviours, so every
dashboard has something to show: prompt payers, chronic late payers, partial payers, disputers (with
dispute rows and credit notes), accounts over their credit limit, KYC reviews falling due, letters of
credit near expiry, cash on account, FX rates for every invoice currency, and lines with cost.
The batches go through ``import_batch`` like any ERP's.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date

from app import clock
from app.ingest import repository
from app.ingest.format import Batch, batch_size, empty_batch
from app.ingest.seed_catalogue import amount, fx_rates, profile_for
from app.ingest.seed_customer import CustomerSeeder
from app.ingest.service import ImportResult, import_batch
from app.ingest.tables import TABLES
from app.scope import Scope
from app.tenancy.service import current_tenant

CUSTOMERS_PER_BATCH = 1_000


def seed_batches(base: str, customers: int, months: int, seed: int, today: date) -> Iterator[Batch]:
    """The demo data as batches of ``CUSTOMERS_PER_BATCH`` customers; the first carries the FX rates."""
    profile = profile_for(base)
    batch = empty_batch()
    currencies = [c for c, _ in profile.currencies]
    batch["fxRates"] = fx_rates(base, currencies, today, months, random.Random(f"{seed}:fx"))
    if not profile.subscription:
        for n, entity in enumerate(["Northwind Components GmbH", "Northwind Asia Pte Ltd"]):
            batch["intercompanyBalances"].append(
                {
                    "externalId": f"IC-{n + 1}",
                    "counterpartyEntity": entity,
                    "direction": "due_from" if n else "due_to",
                    "amount": amount(2_500_000_00 * (n + 1), base),
                    "currency": base,
                    "asOf": today.isoformat(),
                }
            )
    for index in range(1, customers + 1):
        CustomerSeeder(profile, base, seed, index, today, months).build(batch)
        if index % CUSTOMERS_PER_BATCH == 0:
            yield batch
            batch = empty_batch()
    if batch_size(batch):
        yield batch


async def has_customers(scope: Scope) -> bool:
    return await repository.has_rows(scope, TABLES["customers"])


async def seed_tenant(
    scope: Scope,
    *,
    customers: int,
    months: int,
    seed: int,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Seed a tenant through the ingest service; ``progress(customers_done, customers)``."""
    tenant = await current_tenant(scope)
    base = tenant.base_currency
    total = ImportResult()
    done = 0
    for batch in seed_batches(base, customers, months, seed, today or clock.today_in(tenant.timezone)):
        result = await import_batch(scope, batch)
        for record_type, counts in result.counts.items():
            mine = total.counts[record_type]
            mine.created += counts.created
            mine.updated += counts.updated
            mine.unchanged += counts.unchanged
        total.rows_written += result.rows_written
        total.seconds += result.seconds
        done += len(batch["customers"])
        if progress is not None:
            progress(done, customers)
    return total
