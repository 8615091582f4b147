"""The staff console in Debian's Chromium, two tenants, signed in through oidc-provider-mock.

An admin walks every page (axe-core clean and photographed at 1280 and 820 px), drills down from the
overview into a region and a customer, changes the as-of date and finds the tiles equal to the API's
figures for that date, acknowledges an alert, answers a support request and decides a dispute. A viewer
sees no buttons; Cloudly's admin sees Cloudly only, in euros and German formats; an expired session
returns to the same page after signing in again; a refusal shows the API's message beside the control;
a network failure says so and offers a retry. No page asks another host for anything.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from app.auth import sessions
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests.console_browser import (
    api_tiles,
    audited_context,
    checked_at_both_widths,
    console_sign_in,
    ready,
    shown_tiles,
    tiles_become,
)
from tests.console_data import REQUEST_SUBJECT, console_world
from tests.helpers import make_token, staff_api
from tests.test_pages_self_contained import watch_foreign_requests

# (path, navigation link, page heading)
PAGES = [
    ("customers", "Customers", "Customers"),
    ("worklist", "Worklist", "Collection worklist"),
    ("dunning", "Dunning", "Dunning"),
    ("alerts", "Alerts", "Alerts"),
    ("support", "Support", "Support queue"),
    ("disputes", "Disputes", "Disputes"),
    ("payments", "Payments", "Payments"),
    ("imports", "Imports", "Imports"),
    ("admin", "Staff and sessions", "Staff and sessions"),
]
ALERTS = "query($f: AlertFilter) { alerts(filter: $f) { edges { node { id status acknowledgedBy } } } }"
QUEUE = "{ supportRequests { edges { node { subject status messages { author body } } } } }"
DISPUTES = "{ openDisputes { id status } }"
TODAY = "{ viewer { tenant { today } } }"


async def heading(page) -> str:
    return (await page.inner_text("main h1")).strip()


async def test_an_admin_walks_every_page_drills_down_and_acts_on_an_alert_a_request_and_a_dispute(
    live_server, console_page, providers, auth_registry
):
    page = console_page
    world = await console_world(auth_registry, providers)
    token = await make_token("northwind", StaffRole.ADMIN)
    foreign = watch_foreign_requests(page, live_server)
    await console_sign_in(page, live_server, world.subs["northwind-admin"], tenant="Northwind Components Ltd")

    # Overview: the tiles are the API's figures for today, then for an earlier as-of date.
    await ready(page)
    assert await heading(page) == "Portfolio overview"
    assert await shown_tiles(page) == await api_tiles(live_server, token)
    await checked_at_both_widths(page, "overview")
    today = date.fromisoformat((await staff_api(live_server, token, TODAY))["viewer"]["tenant"]["today"])
    earlier = (today - timedelta(days=45)).isoformat()
    await page.fill("input[name=asOf]", earlier)
    await tiles_become(page, await api_tiles(live_server, token, earlier))
    assert parse_qs(urlsplit(page.url).query)["asOf"] == [earlier]

    # Drill down into the first region: every tile narrows to it, and the filter is in the URL.
    first = page.locator("button[aria-label^='Narrow to Region']").first
    region = (await first.inner_text()).strip()
    await first.click()
    await tiles_become(page, await api_tiles(live_server, token, earlier, region=region))
    assert parse_qs(urlsplit(page.url).query)["region"] == [region]
    await checked_at_both_widths(page, "overview-region")

    # ... and on into that region's customers and one customer's 360.
    await page.get_by_role("link", name="These customers").click()
    await ready(page)
    assert await heading(page) == "Customers"
    assert parse_qs(urlsplit(page.url).query)["region"] == [region]
    regions = await page.eval_on_selector_all(
        "tbody tr td:nth-child(3)", "els => els.map(e => e.textContent)"
    )
    assert regions and set(regions) == {region}
    customer_link = page.locator("tbody tr th a").first
    name = (await customer_link.inner_text()).strip()
    await customer_link.click()
    await ready(page)
    assert await heading(page) == name
    assert "/console/customers/" in page.url
    await checked_at_both_widths(page, "customer")

    # Every other page, from the navigation.
    for path, link, title in PAGES:
        await page.get_by_role("navigation", name="Console").get_by_role("link", name=link).click()
        await page.wait_for_url(f"{live_server}/console/{path}**")
        await ready(page)
        assert await heading(page) == title
        await checked_at_both_widths(page, path)

    # Alerts: acknowledge the first open one.
    await page.goto(f"{live_server}/console/alerts", wait_until="domcontentloaded")
    await ready(page)
    row = page.locator("tr[data-alert]").filter(has=page.get_by_role("button", name="Acknowledge")).first
    alert_id = await row.get_attribute("data-alert")
    await row.get_by_role("button", name="Acknowledge").click()
    await page.locator(f"tr[data-alert='{alert_id}'] td.status").get_by_text("Acknowledged").wait_for()
    acknowledged = await staff_api(live_server, token, ALERTS, f={"status": "ACKNOWLEDGED"})
    assert {"id": alert_id, "status": "ACKNOWLEDGED", "acknowledgedBy": "admin@northwind.example"} in [
        e["node"] for e in acknowledged["alerts"]["edges"]
    ]

    # Support: answer the contact's request.
    await page.goto(f"{live_server}/console/support", wait_until="domcontentloaded")
    await ready(page)
    await page.get_by_role("button", name=REQUEST_SUBJECT).click()
    await page.get_by_label("Message").fill("Freight is charged once; we will credit the second line.")
    await page.get_by_role("button", name="Answer the customer").click()
    await page.locator(".thread").get_by_text("we will credit the second line").wait_for()
    await checked_at_both_widths(page, "support-answered")
    queue = (await staff_api(live_server, token, QUEUE))["supportRequests"]["edges"]
    answered = next(e["node"] for e in queue if e["node"]["subject"] == REQUEST_SUBJECT)
    assert answered["status"] == "WAITING_ON_CUSTOMER"
    assert answered["messages"][-1]["author"] == "staff"

    # Disputes: reject the first one with a reason.
    await page.goto(f"{live_server}/console/disputes", wait_until="domcontentloaded")
    await ready(page)
    dispute = page.locator("tr[data-dispute]").first
    dispute_id = await dispute.get_attribute("data-dispute")
    await dispute.get_by_label("Decision").select_option("REJECT")
    await dispute.get_by_label("Reason").fill("Price agreed in the contract")
    await dispute.get_by_role("button", name="Decide").click()
    await page.get_by_role("status").get_by_text("Decided").wait_for()
    still_open = (await staff_api(live_server, token, DISPUTES))["openDisputes"]
    assert dispute_id not in [d["id"] for d in still_open]

    assert foreign == [], "\n".join(foreign)


async def test_a_viewer_is_offered_no_action_and_cloudly_sees_only_cloudly_in_its_own_formats(
    live_server, page, chromium, providers, auth_registry
):
    world = await console_world(auth_registry, providers)
    await console_sign_in(
        page, live_server, world.subs["northwind-viewer"], "/console/alerts", "Northwind Components Ltd"
    )
    await ready(page)
    nav = await page.get_by_role("navigation", name="Console").inner_text()
    assert "Imports" not in nav and "Staff and sessions" not in nav
    for path in ("alerts", "support", "disputes", "payments", "customers"):
        await page.goto(f"{live_server}/console/{path}", wait_until="domcontentloaded")
        await ready(page)
        buttons = await page.eval_on_selector_all("main button", "els => els.map(e => e.textContent.trim())")
        actions = {"Acknowledge", "Resolve", "Decide", "Refund", "Answer the customer", "Record payment"}
        assert not actions & set(buttons), (path, buttons)

    context = await audited_context(chromium)
    try:
        other = await context.new_page()
        await console_sign_in(other, live_server, world.subs["cloudly-admin"], tenant="Cloudly")
        await ready(other)
        token = await make_token("cloudly", StaffRole.ADMIN)
        assert await shown_tiles(other) == await api_tiles(live_server, token)
        total = await other.inner_text("[data-tile=totalOpen] .tile-value")
        assert total.endswith("€") and "," in total  # de_DE: 1.234,56 €
        assert "Cloudly" in await other.inner_text("header")
        await other.goto(f"{live_server}/console/customers", wait_until="domcontentloaded")
        await ready(other)
        theirs = await staff_api(live_server, token, "{ customers(first: 100) { totalCount } }")
        assert f"{theirs['customers']['totalCount']} in all" in await other.inner_text(".pager")
        await checked_at_both_widths(other, "cloudly-customers")
    finally:
        await context.close()


async def test_an_expired_session_signs_in_again_and_returns_to_the_same_page(
    live_server, page, providers, auth_registry
):
    world = await console_world(auth_registry, providers)
    sub = world.subs["northwind-admin"]
    await console_sign_in(
        page, live_server, sub, "/console/customers?orderBy=OVERDUE", "Northwind Components Ltd"
    )
    await ready(page)
    scope = await system_scope("northwind")
    for row in await sessions.list_active(scope):
        await sessions.revoke(scope, row.id)

    await page.get_by_role("navigation", name="Console").get_by_role("link", name="Alerts").click()
    await page.wait_for_url("**/oauth2/authorize**")
    await page.fill("input[name=sub]", sub)
    await page.click("button[type=submit]:has-text('Authorize')")
    await page.wait_for_url(f"{live_server}/console/alerts")
    await ready(page)
    assert await heading(page) == "Alerts"


async def test_a_refusal_shows_the_apis_message_beside_the_control_and_a_network_failure_offers_retry(
    live_server, page, providers, auth_registry
):
    world = await console_world(auth_registry, providers)
    await console_sign_in(
        page, live_server, world.subs["northwind-admin"], "/console/customers", "Northwind Components Ltd"
    )
    await ready(page)
    await page.locator("tbody tr th a").first.click()
    await ready(page)
    form = page.get_by_role("form", name="Record a payment")
    await form.get_by_label("Amount").fill("-5")
    await form.get_by_role("button", name="Record payment").click()
    refusal = form.locator(".refusal")
    await refusal.wait_for()
    assert len(await refusal.inner_text()) > 5

    # Imports: a batch with a problem is refused whole, and each problem is listed with its place.
    await page.get_by_role("navigation", name="Console").get_by_role("link", name="Imports").click()
    await ready(page)
    bad = b'{"customers": [{"externalId": "NEW-1", "name": "New Co", "currency": "XXQ"}]}'
    await page.set_input_files(
        "input[name=batch]", files=[{"name": "bad.json", "mimeType": "application/json", "buffer": bad}]
    )
    await page.get_by_role("button", name="Import").click()
    problems = page.get_by_role("heading", name="nothing was imported")
    await problems.wait_for()
    assert "customers" in await page.inner_text("section table")

    await page.route("**/graphql", lambda route: route.abort())
    await page.get_by_role("navigation", name="Console").get_by_role("link", name="Worklist").click()
    problem = page.get_by_role("alert").filter(has_text="Network problem")
    await problem.wait_for()
    await page.unroute("**/graphql")
    await problem.get_by_role("button", name="Retry").click()
    await ready(page)
    assert await page.locator("tbody tr").count() > 0
