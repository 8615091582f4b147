"""The staff console in Debian's Chromium, two tenants, signed in through oidc-provider-mock.

An admin walks every page (axe-core clean and photographed at 1280 and 820 px), drills down from the
overview into a region and a customer, changes the as-of date and finds the tiles equal to the API's
figures for that date, acknowledges an alert, answers a support request and decides a dispute. Staff
snooze an alert until a date and record a payment against two invoices they tick. A viewer sees no buttons; Cloudly's admin sees Cloudly only, in euros and German formats; an expired session
returns to the same page after signing in again; a refusal shows the API's message beside the control;
a network failure says so and offers a retry. No page asks another host for anything.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from app.auth import sessions
from app.ids import encode_id
from app.models import Invoice
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests import builders
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
SNOOZED = "query($f: AlertFilter) { alerts(filter: $f) { edges { node { id status snoozedUntil } } } }"
CUSTOMERS = "{ customers(first: 100) { edges { node { id name currency } } } }"
OPEN_INVOICES = """query($id: ID!) { customer(id: $id) {
  invoices(first: 100, openOnly: true) { edges { node { id number openAmount { amount currencyCode } } } }
} }"""
PAYMENTS_OF = """query($f: PaymentFilterInput) { payments(first: 50, filter: $f) { edges { node {
  id reference customerId allocations { invoiceId amount { amount currencyCode } }
} } } }"""


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
        actions = {
            "Acknowledge",
            "Snooze",
            "Resolve",
            "Decide",
            "Refund",
            "Answer the customer",
            "Record payment",
        }
        assert not actions & set(buttons), (path, buttons)
        assert await page.locator("main input[name=snoozeUntil], main select[name=customer]").count() == 0

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
    await problem.wait_for(state="detached")
    await ready(page)
    assert await page.locator("tbody tr").count() > 0


async def test_staff_snooze_an_alert_and_record_a_payment_against_two_chosen_invoices(
    live_server, console_page, providers, auth_registry
):
    page = console_page
    world = await console_world(auth_registry, providers)
    token = await make_token("northwind", StaffRole.ADMIN)
    cloudly = await make_token("cloudly", StaffRole.ADMIN)
    foreign = watch_foreign_requests(page, live_server)
    await console_sign_in(
        page, live_server, world.subs["northwind-admin"], "/console/alerts", "Northwind Components Ltd"
    )
    await ready(page)
    today = date.fromisoformat((await staff_api(live_server, token, TODAY))["viewer"]["tenant"]["today"])

    # Alerts: a date that is not after today is refused with the API's message beside the button ...
    row = page.locator("tr[data-alert]").filter(has=page.get_by_role("button", name="Snooze")).first
    alert_id = await row.get_attribute("data-alert")
    row = page.locator(f"tr[data-alert='{alert_id}']")
    until = row.locator("input[name=snoozeUntil]")
    await until.fill(today.isoformat())
    await row.get_by_role("button", name="Snooze").click()
    refusal = row.locator(".refusal")
    await refusal.wait_for()
    assert await refusal.inner_text() == "snooze until a later day than today"

    # ... a later one snoozes it: the API has it snoozed until that date, out of the open list.
    wake = (today + timedelta(days=10)).isoformat()
    await until.fill(wake)
    await row.get_by_role("button", name="Snooze").click()
    await row.locator("td.status").get_by_text("Snoozed until").wait_for()
    snoozed = await staff_api(live_server, token, SNOOZED, f={"status": "SNOOZED"})
    assert {"id": alert_id, "status": "SNOOZED", "snoozedUntil": wake} in [
        e["node"] for e in snoozed["alerts"]["edges"]
    ]
    still_open = await staff_api(live_server, token, SNOOZED, f={"status": "OPEN"})
    assert alert_id not in [e["node"]["id"] for e in still_open["alerts"]["edges"]]
    await checked_at_both_widths(page, "alerts-snoozed")
    await page.goto(f"{live_server}/console/alerts?status=OPEN", wait_until="domcontentloaded")
    await ready(page)
    assert await page.locator(f"tr[data-alert='{alert_id}']").count() == 0

    # Payments: the picker offers Northwind's customers only, never Cloudly's.
    ours = [e["node"] for e in (await staff_api(live_server, token, CUSTOMERS))["customers"]["edges"]]
    theirs = [e["node"] for e in (await staff_api(live_server, cloudly, CUSTOMERS))["customers"]["edges"]]
    await page.get_by_role("navigation", name="Console").get_by_role("link", name="Payments").click()
    await page.wait_for_url(f"{live_server}/console/payments**")
    await ready(page)
    picker = page.locator("select[name=customer]")
    await picker.locator("option").nth(1).wait_for(state="attached")
    offered = set(await picker.locator("option").evaluate_all("os => os.map(o => o.value).filter(v => v)"))
    assert offered == {c["id"] for c in ours}
    assert not offered & {c["id"] for c in theirs}
    assert "Cloudly" not in await picker.inner_text()

    # A customer with three or more open invoices in its currency; pay the two due last, in full.
    async def open_invoices(customer_id: str) -> list[dict]:
        data = await staff_api(live_server, token, OPEN_INVOICES, id=customer_id)
        return [e["node"] for e in data["customer"]["invoices"]["edges"]]

    for customer in ours:
        invoices = await open_invoices(customer["id"])
        mine = [i for i in invoices if i["openAmount"]["currencyCode"] == customer["currency"]]
        if len(mine) >= 3:
            break
    else:
        raise AssertionError("no customer with three open invoices in its currency")
    chosen = mine[-2:]
    await picker.select_option(customer["id"])
    form = page.get_by_role("form", name="Record a payment")
    await form.locator("input[type=checkbox]").first.wait_for()
    shown = await form.locator("input[type=checkbox]").evaluate_all("bs => bs.map(b => b.value)")
    assert shown == [i["id"] for i in invoices]
    await form.locator(f"input[type=checkbox][value='{chosen[0]['id']}']").check()
    second = form.get_by_label(f"{chosen[1]['number']}, due")
    await second.focus()
    await page.keyboard.press("Space")  # ticking works from the keyboard
    assert await second.is_checked()
    amount = sum(Decimal(i["openAmount"]["amount"]) for i in chosen)
    await form.get_by_label("Amount", exact=True).fill(str(amount))
    await form.get_by_label("Reference").fill("REMIT-18")
    await form.get_by_label("Allocation").select_option("AS_SELECTED")
    await checked_at_both_widths(page, "payments-record")
    await form.get_by_role("button", name="Record payment").click()
    result = page.get_by_role("status", name="Payment recorded")
    await result.wait_for()
    on_screen = await result.locator("[data-allocation]").evaluate_all(
        "ls => ls.map(l => l.dataset.allocation)"
    )
    assert on_screen == [chosen[0]["id"], chosen[1]["id"]]
    await checked_at_both_widths(page, "payments-recorded")

    # The API allocated the payment to exactly those two invoices, each in full; the rest are untouched.
    payments = await staff_api(live_server, token, PAYMENTS_OF, f={"customerId": customer["id"]})
    recorded = next(e["node"] for e in payments["payments"]["edges"] if e["node"]["reference"] == "REMIT-18")
    assert {(a["invoiceId"], Decimal(a["amount"]["amount"])) for a in recorded["allocations"]} == {
        (i["id"], Decimal(i["openAmount"]["amount"])) for i in chosen
    }
    left = {i["id"]: i["openAmount"]["amount"] for i in await open_invoices(customer["id"])}
    assert left == {i["id"]: i["openAmount"]["amount"] for i in invoices if i not in chosen}
    their_payments = await staff_api(live_server, cloudly, PAYMENTS_OF, f=None)
    assert "REMIT-18" not in [e["node"]["reference"] for e in their_payments["payments"]["edges"]]

    assert foreign == [], "\n".join(foreign)


async def test_a_payment_can_be_ticked_against_an_invoice_past_the_first_hundred(
    live_server, console_page, providers, auth_registry
):
    page = console_page
    world = await console_world(auth_registry, providers)
    token = await make_token("northwind", StaffRole.ADMIN)
    scope = await system_scope("northwind")
    many = await builders.customer(scope, "Hundred And Three Invoices Ltd")
    start = date(2026, 1, 1)
    for n in range(103):  # due one a day: the list, oldest due first, ends with the latest
        issued = start + timedelta(days=n)
        await builders.invoice(
            scope, many, 10_000 + n, issued.isoformat(), (issued + timedelta(days=30)).isoformat(),
            number=f"MANY-{n + 1:03d}",
        )  # fmt: skip
    await console_sign_in(
        page, live_server, world.subs["northwind-admin"], "/console/payments", "Northwind Components Ltd"
    )
    await ready(page)

    await page.get_by_label("Find customer").fill("Hundred And Three")
    picker = page.locator("select[name=customer]")
    await picker.locator("option", has_text="Hundred And Three").wait_for(state="attached")
    await picker.select_option(encode_id("Customer", many.id))
    form = page.get_by_role("form", name="Record a payment")
    boxes = form.locator("input[type=checkbox]")
    await boxes.first.wait_for()
    assert await boxes.count() == 100
    assert "100 of 103 shown" in await form.locator(".more").inner_text()
    await form.get_by_role("button", name="Show more invoices").click()
    await form.get_by_label("MANY-103, due").wait_for()
    assert await boxes.count() == 103 and await form.locator(".more").count() == 0
    await checked_at_both_widths(page, "payments-more-invoices")

    await form.get_by_label("MANY-103, due").check()
    await form.get_by_label("Amount", exact=True).fill("101.02")
    await form.get_by_label("Reference").fill("REMIT-103")
    await form.get_by_label("Allocation").select_option("AS_SELECTED")
    await form.get_by_role("button", name="Record payment").click()
    await page.get_by_role("status", name="Payment recorded").wait_for()

    payments = await staff_api(
        live_server, token, PAYMENTS_OF, f={"customerId": encode_id("Customer", many.id)}
    )
    recorded = next(e["node"] for e in payments["payments"]["edges"] if e["node"]["reference"] == "REMIT-103")
    last = await Invoice.get(tenant_id=scope.tenant_id, number="MANY-103")
    assert [(a["invoiceId"], a["amount"]["amount"]) for a in recorded["allocations"]] == [
        (encode_id("Invoice", last.id), "101.02")
    ]
