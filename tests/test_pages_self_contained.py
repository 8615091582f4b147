"""No page the project serves loads anything from another host, and GraphiQL works without internet.

Chromium opens every page a signed-in contact can reach by following the portal's own links, the staff
landing page and both GraphiQL pages, with every non-loopback request blocked (tests/browser.py); the
test records each such request and asserts there were none. GraphiQL must also actually run: a signed-in
staff member types a query and reads its answer (its scripts come from node_modules through
/assets/graphiql/, its POST carries the session's CSRF token).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from app.auth import members
from app.models.enums import StaffRole
from app.web import assets
from tests.browser import LOOPBACK, sign_in
from tests.portal_data import world
from tests.signin_flow import person
from tests.stripe_fixtures import deliver_webhooks_to

# Links a crawl must not follow: signing out ends the session; downloads are not pages.
SKIP = ("/auth/", "/signout", "/logout", ".pdf", ".csv", ".xlsx", ".xml", "/download")
MAX_PAGES = 60


def watch_foreign_requests(page, base: str) -> list[str]:
    """Every request a page of ours (served from ``base``) tries to send to a host other than loopback:
    blocked, but recorded. The test identity provider's own sign-in form is not ours and is left out."""
    foreign: list[str] = []

    def record(request) -> None:
        url, document = request.url, request.frame.url
        if url.startswith(("data:", "about:", "blob:")) or not document.startswith(base):
            return
        if (urlsplit(url).hostname or "") not in LOOPBACK:
            foreign.append(f"{document} -> {url}")

    page.on("request", record)
    return foreign


async def crawl(page, base: str, start: str) -> list[str]:
    """The same-origin pages reachable from ``start`` by links, each visited once; returns their paths."""
    queue, seen = [start], set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = await page.goto(base + path, wait_until="networkidle")
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        for href in await page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlsplit(urljoin(base + path, href))
            if target.netloc != urlsplit(base).netloc or any(s in target.path for s in SKIP):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return sorted(seen)


async def test_every_portal_page_and_both_graphiql_pages_load_only_from_our_own_host(
    live_server, page, providers, stripe_env
):
    await world()
    await deliver_webhooks_to(stripe_env, "northwind", live_server)
    foreign = watch_foreign_requests(page, live_server)
    await sign_in(
        page, live_server, "northwind", await person(providers["a"], "carla@xenon.example", "Carla")
    )

    visited = await crawl(page, live_server, urlsplit(page.url).path)
    await page.goto(f"{live_server}/portal/graphql", wait_until="networkidle")
    await page.wait_for_selector(".graphiql-container .graphiql-editors", timeout=15_000)

    assert len(visited) >= 6, visited  # overview, invoices, an invoice, statements, payments, support...
    assert any("/pay" in path for path in visited), visited
    assert foreign == [], "\n".join(foreign)


async def test_a_signed_in_staff_member_runs_a_query_in_graphiql_without_internet(
    live_server, page, providers, scope_a
):
    foreign = watch_foreign_requests(page, live_server)
    await members.invite_staff(scope_a, "fin@northwind.example", StaffRole.FINANCE)
    sub = await person(providers["a"], "fin@northwind.example", "Fin")
    await page.goto(f"{live_server}/auth/northwind/staff/login", wait_until="domcontentloaded")
    await page.fill("input[name=sub]", sub)
    async with page.expect_navigation(wait_until="networkidle"):
        await page.click("button[type=submit]:has-text('Authorize')")
    landing = page.url

    await page.goto(f"{live_server}/graphql", wait_until="networkidle")
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    await editor.wait_for(timeout=15_000)
    await page.evaluate(
        "q => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q)",
        "{ viewer { role tenant { slug } } }",
    )
    await page.click(".graphiql-execute-button")
    result = page.locator(".graphiql-response")
    await result.get_by_text('"finance"').wait_for(timeout=15_000)

    assert urlsplit(landing).hostname in LOOPBACK
    assert '"northwind"' in await result.inner_text()
    assert foreign == [], "\n".join(foreign)


async def test_graphiql_files_are_served_by_name_only_and_missing_ones_are_explained(client, tmp_path):
    served = await client.get("/assets/graphiql/graphiql.min.js")
    unknown = await client.get("/assets/graphiql/package.json")
    escape = await client.get("/assets/graphiql/..%2F..%2Fpyproject.toml")
    page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    assert unknown.status_code == 404 and escape.status_code == 404
    assert page.status_code == 200 and "unpkg.com" not in page.text and "/assets/graphiql/" in page.text
    assert assets.missing_files(tmp_path) == list(assets.GRAPHIQL_FILES)
