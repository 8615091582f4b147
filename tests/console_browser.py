"""Helpers for the console's browser tests: staff sign-in through the provider's form, each page checked by
axe-core and photographed at 1280 and 820 px, the API's own figures to compare the tiles with."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.browser import ARTIFACTS, _only_loopback, axe_violations
from tests.helpers import staff_api

WIDTHS = {"1280": {"width": 1280, "height": 900}, "820": {"width": 820, "height": 1180}}
SUMMARY = """
query($asOf: Date, $filter: CustomerFilter) { arSummary(asOf: $asOf, filter: $filter) {
  asOf totalOpen { amount } overdue { amount } netBalance { amount } dso countbackDso bestPossibleDso
  averageDaysDelinquent cei customersOverLimit openDisputes { count }
} }"""


async def audited_context(chromium, size: dict | None = None):
    """A browser context that can reach loopback only and lets axe-core's script tag in: the console's
    Content-Security-Policy (script-src 'self') would refuse it, as it would any injected script."""
    context = await chromium.new_context(
        viewport=size or WIDTHS["1280"], bypass_csp=True, accept_downloads=True
    )
    await context.route("**/*", _only_loopback)
    return context


@pytest.fixture
async def console_page(chromium):
    """A fresh tab at 1280 px for axe-audited console pages (see ``audited_context``)."""
    context = await audited_context(chromium)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def tile_values(summary: dict) -> dict[str, float | None]:
    """arSummary's figures under the console's tile keys, as numbers (None: no figure)."""

    def n(value):
        return None if value is None else float(value)

    return {
        "totalOpen": n(summary["totalOpen"]["amount"]),
        "overdue": n(summary["overdue"]["amount"]),
        "netBalance": n(summary["netBalance"]["amount"]),
        "dso": n(summary["dso"]),
        "countbackDso": n(summary["countbackDso"]),
        "bestPossibleDso": n(summary["bestPossibleDso"]),
        "averageDaysDelinquent": n(summary["averageDaysDelinquent"]),
        "cei": n(summary["cei"]),
        "customersOverLimit": n(summary["customersOverLimit"]),
        "openDisputes": n(summary["openDisputes"]["count"]),
    }


async def api_tiles(base: str, token: str, as_of: str | None = None, **filter_) -> dict[str, float | None]:
    data = await staff_api(base, token, SUMMARY, asOf=as_of, filter=filter_ or None)
    return tile_values(data["arSummary"])


async def shown_tiles(page) -> dict[str, float | None]:
    raw = await page.eval_on_selector_all(
        "[aria-busy=false] [data-tile]", "els => els.map(e => [e.dataset.tile, e.dataset.value])"
    )
    return {key: (None if value == "" else float(value)) for key, value in raw}


async def tiles_become(page, expected: dict, seconds: float = 10.0) -> dict:
    """The tiles once they show ``expected`` (the page reloads its figures after a URL change)."""
    shown: dict = {}
    for _ in range(int(seconds / 0.1)):
        shown = await shown_tiles(page)
        if shown == expected:
            return shown
        await asyncio.sleep(0.1)
    assert shown == expected
    return shown


async def console_sign_in(page, base: str, sub: str, path: str = "/console/", tenant: str = "") -> None:
    """Open a console page without a session, pick the tenant, sign in at the provider, land back there."""
    await page.goto(base + path, wait_until="domcontentloaded")
    if tenant:
        await page.get_by_role("link", name=tenant).click()
    await page.fill("input[name=sub]", sub)
    async with page.expect_navigation(wait_until="domcontentloaded"):
        await page.click("button[type=submit]:has-text('Authorize')")
    await page.wait_for_url(base + path.split("?")[0] + "**")
    await page.wait_for_selector("main h1")


async def ready(page, within_ms: float = 30_000) -> None:
    """The page's figures are on screen: no loading notice, nothing being refreshed."""
    await page.wait_for_selector("main h1", timeout=within_ms)
    await page.wait_for_function(
        "() => !document.querySelector('.loading') && !document.querySelector('[aria-busy=true]')",
        timeout=within_ms,
    )


async def checked_at_both_widths(page, name: str) -> None:
    """axe-core finds nothing at 1280 and at 820 px; a full-page screenshot of each lands in artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    problems = {}
    for label, size in WIDTHS.items():
        await page.set_viewport_size(size)
        await ready(page)
        violations = await axe_violations(page)
        if violations:
            problems[label] = violations
        await page.screenshot(path=str(ARTIFACTS / f"console-{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(WIDTHS["1280"])
    assert problems == {}, json.dumps(problems, indent=1)
