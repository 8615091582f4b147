"""What a small query costs us: a token-authenticated ``{ viewer { role } }`` beside a bare Strawberry app.

Two uvicorn servers on loopback, started the same way: ours (``create_server_app``, as in production:
JSON request logs to a file, introspection off, the API token checked on every request) on a fresh
database of the chosen engine, and ``bench/bare_app.py`` (Strawberry on Starlette answering the same
query with a constant). They are loaded in turns, ``--rounds`` times ``--seconds`` each, by the same
closed-loop clients (``--connections``, 10), so both see the same machine; the figure is the ratio of
requests per second, ours / bare (issue 14 asks for at least 0.8), with the load average. A third
server, the bare app with Strawberry's parser and validation caches, shows what our own per-request
work costs beside a bare app tuned like ours.

    python -m bench.overhead [--engine sqlite|postgres] [--connections 10] [--rounds 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from app.auth import tokens as token_service
from app.db import lifecycle, scratch
from app.models.enums import StaffRole
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from bench import loadgen
from bench.mixed import SECRET, VIEWER

ROOT = Path(__file__).resolve().parent.parent


async def token_for(url: str, registry: TenantRegistry) -> str:
    await lifecycle.apply_migrations(url)
    await lifecycle.open_database(url)
    try:
        await sync_tenants(registry)
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(
            scope, name=f"bench-{time.time_ns()}", role=StaffRole.VIEWER
        )
        return token
    finally:
        await lifecycle.close_database()


async def compare(args, url: str, token: str, work: Path) -> None:
    env = {
        "LEDGERPORT_ENV": "production",
        "LEDGERPORT_SECRET_KEY": SECRET,
        "LEDGERPORT_GRAPHIQL": "false",
        "LEDGERPORT_DATABASE_URL": url,
    }
    body = {"query": VIEWER}
    kinds = {
        "bare": loadgen.Kind("bare", lambda _n: body),
        "bare, cached": loadgen.Kind("bare, cached", lambda _n: body),
        "ours": loadgen.Kind("ours", lambda _n: body, {"Authorization": f"Bearer {token}"}),
    }
    rates: dict[str, list[float]] = {name: [] for name in kinds}
    p50: dict[str, list[float]] = {name: [] for name in kinds}
    with (
        loadgen.server("bench.bare_app:create_app", {}, work / "bare.log") as bare,
        loadgen.server("bench.bare_app:create_cached_app", {}, work / "cached.log") as cached,
        loadgen.server("app.web.app:create_server_app", env, work / "ours.log") as ours,
    ):
        servers = {"bare": bare, "bare, cached": cached, "ours": ours}
        for name, kind in kinds.items():  # warm up
            warm, _ = await loadgen.closed_loops(servers[name], [(kind, args.connections)], 1)
            assert not warm[name].errors, warm[name].first_error
        load_start = loadgen.load_average()
        for _ in range(args.rounds):
            for name, kind in kinds.items():
                results, elapsed = await loadgen.closed_loops(
                    servers[name], [(kind, args.connections)], args.seconds
                )
                assert not results[name].errors, results[name].first_error
                rates[name].append(len(results[name].latencies_ms) / elapsed)
                p50[name].append(results[name].p50)
        load_end = loadgen.load_average()
    print()
    print(
        f"`{VIEWER}` with an API token ({args.engine}) vs a bare Strawberry app (and the same with "
        f"Strawberry's ParserCache and ValidationCache), uvicorn on loopback, {args.connections} "
        f"closed-loop connections, {args.rounds} rounds of {args.seconds:.0f} s each in turns. "
        f"Load average {load_start} at the start, {load_end} at the end."
    )
    print()
    print(
        "| round | bare req/s | bare, cached req/s | ours req/s | **ours / bare** | ours / bare, cached "
        "| p50 ms bare / cached / ours |"
    )
    print("|---|---|---|---|---|---|---|")
    for i in range(args.rounds):
        b, c, o = (rates[name][i] for name in kinds)
        lat = " / ".join(f"{p50[name][i]:.1f}" for name in kinds)
        print(f"| {i + 1} | {b:.0f} | {c:.0f} | {o:.0f} | {o / b:.2f} | {o / c:.2f} | {lat} |")
    b, c, o = (sum(rates[name]) / args.rounds for name in kinds)
    print(f"| mean | {b:.0f} | {c:.0f} | {o:.0f} | **{o / b:.2f}** | {o / c:.2f} | |")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")
    with tempfile.TemporaryDirectory(prefix="ledgerport-overhead-") as tmp:
        work = Path(tmp)
        if args.engine == "sqlite":
            url = f"sqlite://{work / 'overhead.sqlite3'}"
            await compare(args, url, await token_for(url, registry), work)
            return
        url, admin = await scratch.create_database(args.database_url, "ledgerport_overhead")
        try:
            await compare(args, url, await token_for(url, registry), work)
        finally:
            await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
