"""Export benchmark: 1,000,000 invoices to XLSX (and CSV, the baseline) through the whole app, with the
peak memory of the process that serves them.

Loads the dashboard bench's portfolio into a scratch PostgreSQL database (``bench.dashboard.load``:
10,000 customers, 1,000,000 invoices over two years, as of 2026-06-30), then, for each export, starts a
fresh Python process that opens the database, builds the app and drives ``/exports/invoices.<fmt>``
as an ASGI call whose body is counted and dropped (httpx's ASGI transport would buffer the whole
body, which is what is being measured). Each child reports its peak RSS (``ru_maxrss``) before and
after the export, so the figure is the server process's own, not the loader's. Prints Markdown for
docs/performance.md ("Exports").

    python -m bench.exports [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--customers 10000] [--invoices 1000000] [--formats csv,xlsx] [--keep]
    python -m bench.exports --child URL FORMAT   (one export; used by the above)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """This process's peak RSS. ``VmHWM`` belongs to the process's own address space; ``ru_maxrss``
    would not do: Linux keeps it across fork and exec, so a child of the loader (which held a million
    rows) would report the loader's peak (it did: 816 MB before the first byte was exported)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _drive(app, path: str, token: str) -> tuple[int, int, str]:
    """One GET through the ASGI app; (status, body bytes, content type), the body counted, not kept."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path.split("?")[0], "raw_path": path.split("?")[0].encode(),
        "query_string": path.partition("?")[2].encode(), "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1), "server": ("bench", 80),
    }  # fmt: skip
    seen = {"status": 0, "bytes": 0, "type": ""}
    requested, finished = [False], asyncio.Event()

    async def receive():
        if not requested[0]:
            requested[0] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # the client stays connected until the body is complete
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            seen["type"] = dict(message["headers"]).get(b"content-type", b"").decode()
        elif message["type"] == "http.response.body":
            seen["bytes"] += len(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    await app(scope, receive, send)
    return seen["status"], seen["bytes"], seen["type"]


async def child(url: str, fmt: str, as_of: str) -> None:
    from app.auth import tokens as token_service
    from app.db import lifecycle
    from app.models.enums import StaffRole
    from app.settings import Environment, Settings
    from app.tenancy.registry import TenantRegistry
    from app.tenancy.service import sync_tenants, system_scope
    from app.web.app import create_app

    registry = TenantRegistry.load(ROOT / "tenants")
    await lifecycle.open_database(url)
    try:
        await sync_tenants(registry)
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(
            scope, name=f"bench-{time.time_ns()}", role=StaffRole.ADMIN
        )
        settings = Settings(env=Environment.TEST, database_url=url, tenants_dir=ROOT / "tenants")
        app = create_app(settings, registry, manage_database=False)
        async with app.router.lifespan_context(app):
            before = _peak_mb()
            t0 = time.perf_counter()
            status, size, media = await _drive(app, f"/exports/invoices.{fmt}?asOf={as_of}", token)
            seconds = time.perf_counter() - t0
    finally:
        await lifecycle.close_database()
    print(json.dumps({"format": fmt, "status": status, "bytes": size, "type": media, "seconds": seconds,
                      "peak_before_mb": before, "peak_mb": _peak_mb()}))  # fmt: skip


def run_child(url: str, fmt: str, as_of: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", "--child", url, fmt, "--as-of", as_of],
        cwd=ROOT, capture_output=True, text=True, timeout=3600, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"export {fmt} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def main(args: argparse.Namespace) -> None:
    from app.db import lifecycle, scratch
    from app.tenancy.registry import TenantRegistry
    from app.tenancy.service import sync_tenants
    from bench import dashboard

    registry = TenantRegistry.load(ROOT / "tenants")
    url, admin = await scratch.create_database(args.database_url, "ledgerport_bench_exports")
    try:
        await lifecycle.apply_migrations(url)
        await lifecycle.open_database(url)
        try:
            ids = await sync_tenants(registry)
            data_line = await dashboard.postgres_data(args, registry, ids, url)
        finally:
            await lifecycle.close_database()
        load_start = os.getloadavg()[0]
        print(data_line, flush=True)
        results = []
        for fmt in args.formats.split(","):
            results.append(run_child(url, fmt, dashboard.AS_OF.isoformat()))
            print(json.dumps(results[-1]), flush=True)  # a long run's results as they come
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            await scratch.drop_database(admin, url)
    print()
    print(f"{data_line}; as of {dashboard.AS_OF}; load average {load_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end.")  # fmt: skip
    print()
    print(
        "| export | rows | status | file MB | seconds | rows/s | peak RSS before MB | peak RSS MB | growth MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| /exports/invoices.{r['format']} | {args.invoices:,} | {r['status']} | {r['bytes'] / 1e6:.1f} | "
            f"{r['seconds']:.1f} | {args.invoices / r['seconds']:,.0f} | {r['peak_before_mb']:.0f} | "
            f"{r['peak_mb']:.0f} | {r['peak_mb'] - r['peak_before_mb']:.0f} |"
        )
    worst = max(r["peak_mb"] for r in results if r["format"] == "xlsx") if "xlsx" in args.formats else 0
    if worst >= args.limit_mb:
        raise SystemExit(f"peak RSS of the XLSX export {worst:.0f} MB >= {args.limit_mb} MB")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--limit-mb", type=float, default=200)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FORMAT"))
    parser.add_argument("--as-of", default="2026-06-30")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.child:
        asyncio.run(child(*arguments.child, arguments.as_of))
    else:
        asyncio.run(main(arguments))
