"""The demo's SQLite database for the dashboard bench, seeded once and kept under ``var/bench/``.

The data is what ``make demo`` seeds (``app.demo.data``: northwind 8,000 customers and cloudly 300, 24
months, seed 42), written by the real seeder through ingest (``app.ingest.seeder``). Seeding takes
about half a minute, so the file is cached, keyed by size, seed and the day it was seeded for (the
seeder dates everything relative to that day); each run works on a fresh copy, migrated to the current
schema, so the cached file never changes.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

from app.db import lifecycle
from app.demo.data import DEMO_DATA
from app.ingest import seeder
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"


def sizes(customers: int) -> dict[str, int]:
    """Customers per tenant: the demo's, with northwind's as asked and no tenant larger than that (so a
    toy run stays a toy)."""
    return {
        slug: customers if slug == "northwind" else min(n, customers) for slug, (n, _) in DEMO_DATA.items()
    }


async def seed_demo(
    url: str, registry: TenantRegistry, customers: int, months: int, seed: int, today: date
) -> None:
    """Migrate ``url`` and seed the demo tenants into it (also used on PostgreSQL by bench/mixed.py)."""
    await lifecycle.apply_migrations(url)
    await lifecycle.open_database(url)
    try:
        await sync_tenants(registry)
        for slug, count in sizes(customers).items():
            scope = await system_scope(slug, principal="bench")
            await seeder.seed_tenant(scope, customers=count, months=months, seed=seed, today=today)
    finally:
        await lifecycle.close_database()


def _ready(cached: Path) -> bool:
    """Whether the seeded file exists; if not, the cache is made ready to write it (no leftovers of an
    interrupted seeding)."""
    if cached.exists():
        return True
    cached.parent.mkdir(parents=True, exist_ok=True)
    for leftover in cached.parent.glob(cached.with_suffix(".partial").name + "*"):
        leftover.unlink()
    return False


async def working_copy(
    registry: TenantRegistry,
    work_dir: Path,
    *,
    customers: int,
    months: int,
    seed: int,
    today: date,
    cache: Path = CACHE,
) -> tuple[str, float | None]:
    """A fresh, migrated copy of the seeded demo database in ``work_dir``: (its URL, seconds spent
    seeding, or None when the cached file was used)."""
    cached = cache / f"demo-{customers}c-{months}m-seed{seed}-{today.isoformat()}.sqlite3"
    seeded_s = None
    if not _ready(cached):
        partial = cached.with_suffix(".partial")
        t0 = time.perf_counter()
        await seed_demo(f"sqlite://{partial}", registry, customers, months, seed, today)
        seeded_s = time.perf_counter() - t0
        partial.rename(cached)  # closed cleanly: the WAL is checkpointed into the file
    work = work_dir / "bench.sqlite3"
    shutil.copyfile(cached, work)
    url = f"sqlite://{work}"
    await lifecycle.apply_migrations(url)
    return url, seeded_s


async def vacuum(url: str) -> None:
    """Vacuum and analyse the freshly seeded PostgreSQL database, as autovacuum soon would."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
