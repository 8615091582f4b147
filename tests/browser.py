"""Playwright fixtures: the app served live by uvicorn inside the test's event loop, and Debian's Chromium.

``live_server`` runs the whole app (``create_app``, sharing the test database and the tenants signed in at
the ``oidc-provider-mock`` providers) as an asyncio task on a free loopback port; ``page`` is a fresh
Chromium tab whose every request to a non-loopback host is aborted, so no test ever reaches the internet
(the mock provider's page links a CDN stylesheet). Helpers sign a contact in through the provider's real
form, run axe-core in a page, and write screenshots at desktop and phone width to ``artifacts/``.

The fixtures are registered for every test by ``tests/conftest.py``; tests import the helpers.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LEDGERPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def require_or_skip(reason: str) -> None:
    from tests.conftest import require_or_skip as skip

    skip(reason)


def _installed(path: Path) -> bool:
    return path.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def live_server(settings, auth_registry, auth_tenants) -> AsyncIterator[str]:
    """The app under uvicorn on a free loopback port, in this event loop; yields its base URL."""
    import uvicorn

    from app.web.app import create_app

    app = create_app(settings, auth_registry, manage_database=False)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.025)
    if not server.started:
        task.cancel()
        raise RuntimeError("the live server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture(scope="session")
async def chromium():
    """Debian's headless Chromium, driven by Playwright (never ``playwright install``)."""
    if not _installed(Path(CHROMIUM)):
        require_or_skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def _only_loopback(route) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in LOOPBACK or route.request.url.startswith(("data:", "about:")):
        await route.continue_()
    else:
        await route.abort()


@pytest.fixture
async def page(chromium):
    """A fresh tab at desktop size, in its own cookie jar, that can reach loopback hosts only."""
    context = await chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    await context.route("**/*", _only_loopback)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        await context.close()


async def sign_in(page, base_url: str, tenant: str, sub: str) -> None:
    """Sign a contact in to ``tenant``'s portal through the provider's own form (``sub`` must exist there)."""
    await page.goto(f"{base_url}/auth/{tenant}/portal/login", wait_until="domcontentloaded")
    await page.fill("input[name=sub]", sub)
    async with page.expect_navigation(wait_until="domcontentloaded"):
        await page.click("button[type=submit]:has-text('Authorize')")
    await page.wait_for_url(f"{base_url}/portal/**", wait_until="domcontentloaded")


async def axe_violations(page) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA rules), as short dicts."""
    if not _installed(AXE):
        require_or_skip("axe-core is not installed: run `npm install` at the repository root")
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


async def assert_accessible(page) -> None:
    violations = await axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


async def screenshots(page, name: str) -> list[Path]:
    """Full-page screenshots of the current page at desktop and phone width in ``artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    written = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        path = ARTIFACTS / f"{name}-{label}.png"
        await page.screenshot(path=str(path), full_page=True)
        written.append(path)
    await page.set_viewport_size(DESKTOP)
    return written


async def checked(page, name: str) -> None:
    """The current page passes axe-core and leaves desktop and phone screenshots in ``artifacts/``."""
    await assert_accessible(page)
    await screenshots(page, name)
