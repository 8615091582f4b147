"""How fast the staff console shows its figures on the demo's data, measured in Debian's Chromium.

Run: ``.venv/bin/python -m bench.console`` (after ``make console``). It takes the demo's SQLite database
(``bench/demo_data.py``: northwind 8,000 customers and cloudly 300, 24 months, seed 42; seeded once
and cached), serves the whole app under uvicorn on loopback with a local oidc-provider-mock as both
tenants' staff provider, signs an admin in through the provider's form, then opens each console page
``--runs`` times in a fresh load and times navigation start to the page's figures on screen (no loading
notice, nothing being refreshed). Results go into docs/performance.md ("Console").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import uvicorn

from app.auth import members
from app.db import lifecycle
from app.demo.data import DEMO_DATA, DEMO_SEED
from app.models.enums import StaffRole
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from app.web.app import create_app
from bench import demo_data
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.console_browser import console_sign_in, ready
from tests.oidc_fixtures import SECRETS, running_provider, tenants_dir
from tests.signin_flow import person

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/console/",
    "/console/?region=EMEA&by=COUNTRY",
    "/console/customers",
    "/console/customers?orderBy=OVERDUE",
    "/console/worklist",
    "/console/alerts",
    "/console/support",
    "/console/disputes",
    "/console/payments",
    "/console/admin",
]


TILES = "[aria-busy=false] [data-tile=totalOpen]"
WITHIN_MS = 300_000


def is_overview(path: str) -> bool:
    return path == "/console/" or path.startswith("/console/?")


async def measure(base: str, sub: str, runs: int) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    timings: dict[str, list[float]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
        await console_sign_in(page, base, sub, tenant="Northwind Components Ltd")
        await ready(page, WITHIN_MS)
        for path in PAGES:
            # The overview's tiles, then (same load) the whole page: its trend and breakdown are requests of
            # their own. Every load is waited out before the next, so no abandoned request slows the next.
            keys = [f"{path} (tiles)", f"{path} (whole page)"] if is_overview(path) else [path]
            for key in keys:
                timings[key] = []
            for run in range(runs + 1):  # the first load warms the server's caches for that page
                started = time.perf_counter()
                await page.goto(base + path, wait_until="commit")
                if is_overview(path):
                    await page.wait_for_selector(TILES, timeout=WITHIN_MS)
                    if run:
                        timings[keys[0]].append((time.perf_counter() - started) * 1000)
                await ready(page, WITHIN_MS)
                if run:
                    timings[keys[-1]].append((time.perf_counter() - started) * 1000)
        customer = page.locator("tbody tr th a").first
        await page.goto(base + "/console/customers?orderBy=OVERDUE", wait_until="commit")
        await ready(page, WITHIN_MS)
        href = await customer.get_attribute("href")
        timings["/console/customers/<most overdue>"] = []
        for _ in range(runs):
            started = time.perf_counter()
            await page.goto(base + href, wait_until="commit")
            await ready(page, WITHIN_MS)
            timings["/console/customers/<most overdue>"].append((time.perf_counter() - started) * 1000)
        await browser.close()
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=DEMO_DATA["northwind"][0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name in SECRETS:
        os.environ.setdefault(name, "bench-secret")
    with running_provider() as issuer, tempfile.TemporaryDirectory(prefix="ledgerport-console-") as work:
        registry = TenantRegistry.load(
            tenants_dir(Path(work) / "tenants", {"northwind": issuer, "cloudly": issuer})
        )
        today = registry.require("northwind").config.today()
        url, seeded_s = await demo_data.working_copy(
            registry, Path(work), customers=args.customers, months=DEMO_DATA["northwind"][1], seed=DEMO_SEED,
            today=today,
        )  # fmt: skip
        await lifecycle.open_database(url)
        await sync_tenants(registry)
        scope = await system_scope("northwind")
        if await members.members.by_email(scope, "bench.admin@northwind.example") is None:
            await members.invite_staff(scope, "bench.admin@northwind.example", StaffRole.ADMIN)
        sub = await person(issuer, "bench.admin@northwind.example")
        settings = Settings(env=Environment.TEST, database_url=url, tenants_dir=Path(work) / "tenants")
        app = create_app(settings, registry, manage_database=False)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        task = asyncio.create_task(server.serve())
        for _ in range(400):
            if server.started:
                break
            await asyncio.sleep(0.05)
        try:
            load = os.getloadavg()[0]
            timings = await measure(f"http://127.0.0.1:{port}", sub, args.runs)
            load_end = os.getloadavg()[0]
        finally:
            server.should_exit = True
            await task
            await lifecycle.close_database()
    how = f"seeded in {seeded_s:.0f} s" if seeded_s else "cached seeded file"
    print(
        f"\n{args.customers} northwind customers ({how}); load average {load:.1f} -> {load_end:.1f}; {args.runs} runs"
    )
    print("| page | p50 ms | max ms |")
    print("|---|---|---|")
    for path, values in timings.items():
        print(f"| `{path}` | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    asyncio.run(main())
