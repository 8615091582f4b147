"""The portal in Debian's Chromium, end to end, with axe-core on every page and screenshots as artifacts.

A contact signs in through the provider's own form, sees the figures the staff API shows for its customer,
filters invoices, downloads a PDF, asks about an invoice, reads staff's answer (and got the email), and
disputes an invoice, which staff then see in their queue and in the dashboard's open disputes.
"""

from __future__ import annotations

from app.models.enums import StaffRole
from schema.common import ids
from tests.background import run_jobs
from tests.browser import assert_accessible, checked, sign_in
from tests.helpers import make_token, staff_api
from tests.mailbox import body_of
from tests.portal_data import world
from tests.signin_flow import person

STAFF_CUSTOMER = """
query($id: ID!) { customer(id: $id) { balances {
  netBalance { amount } overdue { amount } unapplied { amount } totalOpen { amount }
  aging { buckets { label amount { amount } } }
} openDisputes { amount { amount } reasonCode } } }"""
SUMMARY = "{ arSummary { openDisputes { count amount { amount } } } }"
QUEUE = "{ supportRequests { edges { node { id subject invoiceNumber } } } }"
ANSWER = """
mutation($input: SupportMessageInput!) { answerSupportRequest(input: $input) { userErrors { code } } }"""


def money_text(amount: str) -> str:
    return f"${float(amount):,.2f}"


async def test_given_a_contact_in_chromium_then_the_whole_portal_journey_works_and_every_page_is_accessible(
    live_server, page, providers, mailbox, auth_registry
):
    w = await world()
    staff = await make_token("northwind", StaffRole.ADMIN)
    await sign_in(
        page, live_server, "northwind", await person(providers["a"], "carla@xenon.example", "Carla")
    )
    account = ids.encode_id("Account", w.x.id)

    # Overview: the same figures as the staff API's for this customer.
    assert page.url == f"{live_server}/portal/accounts/{account}"
    theirs = (await staff_api(live_server, staff, STAFF_CUSTOMER, id=ids.encode_id("Customer", w.x.id)))[
        "customer"
    ]
    b = theirs["balances"]
    assert (
        await page.text_content("[data-figure=balance]")
        == money_text(b["netBalance"]["amount"])
        == "$3,550.00"
    )
    assert await page.text_content("[data-figure=overdue]") == money_text(b["overdue"]["amount"])
    assert await page.text_content("[data-figure=unapplied]") == money_text(b["unapplied"]["amount"])
    for bucket in b["aging"]["buckets"]:
        shown = await page.text_content(f"[data-bucket='{bucket['label']}']")
        assert shown == money_text(bucket["amount"]["amount"]), bucket
    await checked(page, "overview")

    # Invoices: filter to overdue ones.
    await page.click("nav.sections >> text=Invoices")
    await checked(page, "invoices")
    await page.select_option("#f-status", "overdue")
    await page.click("button:has-text('Filter')")
    await page.wait_for_url("**status=overdue**")
    assert await page.locator("tbody tr td:first-child").all_text_contents() == ["INV-X3", "INV-X1"]

    # Invoice detail: download its PDF.
    await page.click("text=INV-X1")
    await checked(page, "invoice")
    async with page.expect_download() as download_info:
        await page.click("text=Download PDF")
    download = await download_info.value
    assert download.suggested_filename == "INV-X1.pdf"

    # Ask about the invoice; the thread shows the question.
    await page.fill("#f-subject", "Price of resistors")
    await page.check("#line-1")
    await page.fill("#f-message", "Is this the agreed price?")
    await page.click("button:has-text('Send question')")
    await page.wait_for_url("**/portal/support/**")
    thread_url = page.url.split("?")[0]
    assert "Is this the agreed price?" in await page.text_content("ol.thread")
    await checked(page, "support-thread")

    # Staff answer through the staff API; the contact sees it and got the email.
    queue = [e["node"] for e in (await staff_api(live_server, staff, QUEUE))["supportRequests"]["edges"]]
    assert [(r["subject"], r["invoiceNumber"]) for r in queue] == [("Price of resistors", "INV-X1")]
    await staff_api(
        live_server,
        staff,
        ANSWER,
        input={"supportRequestId": queue[0]["id"], "message": "Yes, per the May quote."},
    )
    await page.goto(thread_url)
    assert "Yes, per the May quote." in await page.text_content("ol.thread")
    await run_jobs(auth_registry)  # the test server runs no jobs by itself
    to_carla = [m for m in mailbox if m["To"] == "carla@xenon.example"]
    assert len(to_carla) == 1 and "Yes, per the May quote." in body_of(to_carla[0])

    # A dispute: a form error keeps what was typed; then it opens and staff see it.
    await page.goto(f"{live_server}/portal/invoices/{ids.encode_id('Invoice', w.x_invoices[0].id)}")
    await page.fill("#f-d_amount", "9999.00")
    await page.select_option("#f-d_reason", "pricing")
    await page.fill("#f-d_message", "Price too high")
    await page.click("button:has-text('Open dispute')")
    assert await page.input_value("#f-d_amount") == "9999.00"
    assert await page.input_value("#f-d_message") == "Price too high"
    assert "cannot dispute more" in await page.text_content("#d_amount-error")
    await checked(page, "invoice-dispute-error")
    await page.fill("#f-d_amount", "100.00")
    await page.click("button:has-text('Open dispute')")
    assert "Your dispute is open" in await page.text_content("[role=status]")
    queue = [e["node"] for e in (await staff_api(live_server, staff, QUEUE))["supportRequests"]["edges"]]
    assert queue[0]["subject"] == "Dispute of invoice INV-X1: Price differs from the agreement"
    theirs = (await staff_api(live_server, staff, STAFF_CUSTOMER, id=ids.encode_id("Customer", w.x.id)))[
        "customer"
    ]
    assert theirs["openDisputes"] == [{"amount": {"amount": "100.00"}, "reasonCode": "pricing"}]
    summary = (await staff_api(live_server, staff, SUMMARY))["arSummary"]["openDisputes"]
    assert summary == {"count": 1, "amount": {"amount": "100.00"}}

    # The remaining pages: each passes axe and is photographed.
    for nav, name in (
        ("Payments", "payments"),
        ("Statements", "statements"),
        ("Support", "support"),
        ("Billing details", "billing"),
        ("My profile", "profile"),
    ):
        await page.click(f"nav.sections >> text={nav}")
        await checked(page, name)
        if name == "payments":
            await page.click("text=WIRE-150")
            assert await page.text_content("[data-figure=amount]") == "$150.00"
            await checked(page, "receipt")


async def test_given_a_phone_sized_screen_then_the_invoice_page_never_scrolls_sideways(
    live_server, page, providers
):
    await world()
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, live_server, "northwind", await person(providers["a"], "carla@xenon.example"))

    await page.click("nav.sections >> text=Invoices")

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await assert_accessible(page)


async def test_given_the_other_tenant_then_its_own_branding_and_locale_also_pass_axe(
    live_server, page, providers
):
    w = await world()
    await sign_in(page, live_server, "cloudly", await person(providers["b"], "zoe@zephyr.example", "Zoe"))

    assert page.url.endswith(ids.encode_id("Account", w.z.id))
    assert "Cloudly GmbH customer portal" in await page.text_content("header.site")
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.text_content("[data-figure=balance]") == "77,00\xa0€"
    await checked(page, "cloudly-overview")
