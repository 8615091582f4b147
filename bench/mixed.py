"""Mixed load: do light queries stay light while dashboard aggregates run? (issue 14, point 4)

The demo's data (northwind 8,000 customers, 24 months; ``bench/demo_data.py``) on SQLite (a fresh copy
of the cached seeded file) or PostgreSQL (a database of its own, seeded the same way through ingest,
dropped at the end). The real server runs under uvicorn on loopback, as in production (JSON logs to a
file, introspection off), and closed-loop clients send, for ``--seconds`` (30):

- aggregates: ``arSummary`` and ``arBreakdown(by: REGION)`` (half the aggregate clients each);
- small queries: ``{ viewer { role } }`` and a single customer (``customer(id)``, balances, aging,
  open invoices, payment behaviour; a different customer each request).

The baseline is measured in the same run, on the same server: the small queries alone (the same
clients, no aggregates) and the aggregates alone, ``--alone-seconds`` (10) each. It prints p50/p99
per kind, as Markdown for docs/performance.md, with the load average (the machine is shared).

    python -m bench.mixed --engine sqlite [--clients 40] [--aggregate-clients 8] [--seconds 30]
    python -m bench.mixed --engine postgres [--database-url postgres://postgres@127.0.0.1:5432/postgres]
    # --db-options read_connections=0 --db-options '' : the single connection, then the defaults,
    # measured in turn on the same data (PostgreSQL: --db-options maxsize=5&heavy_connections=0)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from app.auth import tokens as token_service
from app.db import lifecycle, scratch
from app.db.sql import fetch_all
from app.demo.data import DEMO_DATA, DEMO_SEED
from app.models.enums import StaffRole
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench import demo_data, loadgen
from bench.dashboard import BREAKDOWN, CUSTOMER, SUMMARY
from schema.common.ids import encode_id

ROOT = Path(__file__).resolve().parent.parent
VIEWER = "{ viewer { role } }"
SECRET = "bench-secret-key-bench-secret-key-0123456789"


async def prepare(url: str, registry: TenantRegistry) -> tuple[str, list[int], str]:
    """A fresh admin token for northwind, its customer ids and a line describing the data."""
    await lifecycle.open_database(url)
    try:
        ids = await sync_tenants(registry)
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(
            scope, name=f"bench-{time.time_ns()}", role=StaffRole.ADMIN
        )
        rows = await fetch_all(
            "SELECT id FROM customer_account WHERE tenant_id = :t ORDER BY id", {"t": ids["northwind"]}
        )
        counts = await fetch_all(
            "SELECT (SELECT COUNT(*) FROM invoice WHERE tenant_id = :t) AS invoices,"
            " (SELECT COUNT(*) FROM payment WHERE tenant_id = :t) AS payments",
            {"t": ids["northwind"]},
        )
    finally:
        await lifecycle.close_database()
    line = f"northwind: {len(rows):,} customers, {counts[0]['invoices']:,} invoices, {counts[0]['payments']:,} payments"
    return token, [r["id"] for r in rows], line


def kinds(token: str, customers: list[int], as_of: str) -> dict[str, loadgen.Kind]:
    headers = {"Authorization": f"Bearer {token}"}
    rnd = random.Random(14)
    picks = [rnd.choice(customers) for _ in range(50_000)]

    def fixed(query: str):
        body = {"query": query.replace("ASOF", as_of)}
        return lambda _n: body

    customer_query = CUSTOMER.replace("ASOF", as_of)
    return {
        "arSummary": loadgen.Kind("arSummary", fixed(SUMMARY), headers),
        "arBreakdown(REGION)": loadgen.Kind("arBreakdown(REGION)", fixed(BREAKDOWN), headers),
        "viewer": loadgen.Kind("viewer", fixed(VIEWER), headers),
        "customer(id)": loadgen.Kind(
            "customer(id)",
            lambda n: {
                "query": customer_query,
                "variables": {"id": encode_id("Customer", picks[n % len(picks)])},
            },
            headers,
        ),
    }


def row(name: str, clients: int, alone: loadgen.Result | None, mixed: loadgen.Result, seconds: float) -> str:
    alone_cells = f"{alone.p50:.0f} | {alone.p(0.99):.0f}" if alone else "- | -"
    errors = f"{mixed.errors}" + (f" ({mixed.first_error[:80]})" if mixed.errors else "")
    return (
        f"| {name} | {clients} | {alone_cells} | {len(mixed.latencies_ms):,} | "
        f"{len(mixed.latencies_ms) / seconds:.1f} | **{mixed.p50:.0f}** | **{mixed.p(0.99):.0f}** | {errors} |"
    )


async def measure(args, url: str, registry: TenantRegistry, data_line: str, work: Path) -> None:
    token, customers, counts = await prepare(url, registry)
    as_of = registry.require("northwind").config.today().isoformat()
    k = kinds(token, customers, as_of)
    aggregates = args.aggregate_clients
    small = args.clients - aggregates
    mix_aggregates = [
        (k["arSummary"], aggregates - aggregates // 2),
        (k["arBreakdown(REGION)"], aggregates // 2),
    ]
    mix_small = [(k["viewer"], small - small // 2), (k["customer(id)"], small // 2)]
    for options in args.db_options or [""]:
        await measure_one(args, url, options, data_line, counts, work, mix_small, mix_aggregates)


async def measure_one(args, url, options, data_line, counts, work, mix_small, mix_aggregates) -> None:
    """One server with ``options`` on its database URL, measured alone and mixed."""
    server_url = url + (("&" if "?" in url else "?") + options if options else "")
    env = {
        "LEDGERPORT_ENV": "production",
        "LEDGERPORT_SECRET_KEY": SECRET,
        "LEDGERPORT_GRAPHIQL": "false",
        "LEDGERPORT_DATABASE_URL": server_url,
    }
    log = work / "server.log"
    with loadgen.server("app.web.app:create_server_app", env, log) as address:
        for kind, _ in mix_aggregates + mix_small:  # warm up: each kind once
            warm, _ = await loadgen.closed_loops(address, [(kind, 1)], 0)
            assert not warm[kind.name].errors, warm[kind.name].first_error
        load_start = loadgen.load_average()
        alone_small, _ = await loadgen.closed_loops(address, mix_small, args.alone_seconds)
        alone_aggregates, _ = await loadgen.closed_loops(address, mix_aggregates, args.alone_seconds)
        mixed, elapsed = await loadgen.closed_loops(address, mix_aggregates + mix_small, args.seconds)
        load_end = loadgen.load_average()
    alone = {**alone_small, **alone_aggregates}
    total = sum(len(r.latencies_ms) for r in mixed.values())
    print()
    print(
        f"{data_line}: {counts}. {args.engine} ({options or 'default connections'}), "
        f"uvicorn on loopback, {args.clients} closed-loop clients for {args.seconds:.0f} s; alone: the same "
        f"clients of one group for {args.alone_seconds:.0f} s. Mixed: {total:,} requests, "
        f"{total / elapsed:.1f}/s. Load average {load_start} at the start, {load_end} at the end."
    )
    print()
    print(
        "| kind | clients | alone p50 ms | alone p99 ms | mixed requests | mixed req/s | mixed p50 ms | mixed p99 ms | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, clients in mix_small + mix_aggregates:
        print(row(kind.name, clients, alone.get(kind.name), mixed[kind.name], elapsed))


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=DEMO_DATA["northwind"][0])
    parser.add_argument("--months", type=int, default=DEMO_DATA["northwind"][1])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--aggregate-clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--alone-seconds", type=float, default=10)
    parser.add_argument(
        "--db-options",
        action="append",
        help="appended to the server's database URL; repeat to measure several on the same data "
        "('' = the defaults)",
    )
    parser.add_argument("--cache-dir", type=Path, default=demo_data.CACHE, help="SQLite: the seeded files")
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")
    today = registry.require("northwind").config.today()
    with tempfile.TemporaryDirectory(prefix="ledgerport-mixed-") as tmp:
        work = Path(tmp)
        if args.engine == "sqlite":
            url, seeded_s = await demo_data.working_copy(
                registry, work, customers=args.customers, months=args.months, seed=DEMO_SEED,
                today=today, cache=args.cache_dir,
            )  # fmt: skip
            how = f"seeded through ingest in {seeded_s:.0f} s" if seeded_s else "the cached seeded file"
            await measure(args, url, registry, f"Demo data ({how})", work)
            return
        url, admin = await scratch.create_database(args.database_url, "ledgerport_mixed")
        try:
            t0 = time.perf_counter()
            await demo_data.seed_demo(url, registry, args.customers, args.months, DEMO_SEED, today)
            seeded = f"Demo data (seeded through ingest in {time.perf_counter() - t0:.0f} s)"
            await demo_data.vacuum(url)
            await measure(args, url, registry, seeded, work)
        finally:
            await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
