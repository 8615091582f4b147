"""The portal's edges as a person sees them in Chromium, each page checked by axe-core: one Pay tab, what
is offered to pay (nothing with a credit balance), the invoice table at phone width, the statements page's
default period, and the tenant chooser on a host that names no tenant."""

from __future__ import annotations

from app.documents.formatting import Formatter
from app.portal.statements import default_period
from app.tenancy.service import system_scope
from schema.common import ids
from tests.browser import ARTIFACTS, assert_accessible, checked, sign_in
from tests.portal_data import credit_account, world
from tests.signin_flow import person

PHONE = {"width": 375, "height": 812}
SECTIONS = (
    "Overview",
    "Invoices",
    "Pay",
    "Payments",
    "Statements",
    "Support",
    "Billing details",
    "My profile",
)


async def test_given_every_account_page_then_the_navigation_has_each_section_once_pay_included(
    stripe_env, live_server, page, providers
):
    w = await world()
    await sign_in(page, live_server, "northwind", await person(providers["a"], "carla@xenon.example"))

    for section in SECTIONS:
        await page.click(f"nav.sections >> text='{section}'")
        await page.wait_for_load_state("domcontentloaded")
        labels = await page.locator("nav.sections a").all_text_contents()
        current = await page.locator("nav.sections a[aria-current=page]").all_text_contents()
        assert labels == list(SECTIONS), (section, labels)
        assert current == [section], (section, current)
        await assert_accessible(page)
    assert page.url.endswith(f"/portal/profile?account={ids.encode_id('Account', w.x.id)}")


async def test_given_a_credit_balance_then_the_portal_shows_it_as_credit_and_offers_no_payment(
    live_server, page, providers
):
    await world()
    customer = await credit_account(await system_scope("northwind"), "cleo@credit.example")
    await sign_in(page, live_server, "northwind", await person(providers["a"], "cleo@credit.example"))
    account = ids.encode_id("Account", customer.id)

    assert await page.text_content(".card:has([data-figure=balance]) dt") == "Credit balance"
    assert await page.text_content("[data-figure=balance]") == "$659.91"
    assert await page.get_by_role("link", name="Pay my overdue balance").count() == 0
    assert await page.get_by_role("link", name="Pay open invoices").count() == 0
    await checked(page, "overview-credit")

    await page.goto(f"{live_server}/portal/accounts/{account}/pay", wait_until="domcontentloaded")
    assert "there is nothing to pay" in await page.text_content("main")
    assert await page.get_by_role("button", name="Pay").count() == 0
    assert await page.get_by_role("link", name="Pay my overdue balance").count() == 0
    await checked(page, "pay-credit")


async def test_given_open_invoices_none_overdue_then_paying_them_is_offered_without_an_overdue_balance(
    stripe_env, live_server, page, providers
):
    w = await world()
    await sign_in(page, live_server, "northwind", await person(providers["a"], "yuri@yarrow.example"))

    assert await page.get_by_role("link", name="Pay my overdue balance").count() == 0
    await checked(page, "overview-nothing-overdue")
    await page.get_by_role("link", name="Pay open invoices").click()
    await page.wait_for_url(f"**/portal/accounts/{ids.encode_id('Account', w.y.id)}/pay")
    await page.wait_for_load_state("networkidle")

    assert await page.get_by_role("link", name="Pay my overdue balance").count() == 0
    assert await page.get_by_role("button", name="Pay").count() == 1
    assert await page.locator("tbody tr").all_text_contents() != []
    await checked(page, "pay-nothing-overdue")


async def test_given_a_phone_width_then_every_column_of_the_invoice_table_is_on_screen(
    live_server, page, providers
):
    await world()
    await page.set_viewport_size(PHONE)
    await sign_in(page, live_server, "northwind", await person(providers["a"], "carla@xenon.example"))

    await page.click("nav.sections >> text=Invoices")
    await page.wait_for_load_state("domcontentloaded")
    headers = page.get_by_role("columnheader")

    assert await headers.all_text_contents() == ["Number", "Issued", "Due", "Total", "Open", "Status"]
    for header in await headers.all():
        box = await header.bounding_box()
        assert await header.is_visible() and box is not None, await header.text_content()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (await header.text_content(), box)
    for cell in await page.locator("tbody td").all():
        box = await cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], await cell.text_content()
    assert await page.get_by_role("cell", name="Overdue").count() == 2
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "invoices-phone-375.png"), full_page=True)


async def test_given_the_statements_page_then_it_opens_with_a_period_from_last_month_to_today(
    live_server, page, providers
):
    w = await world()
    await sign_in(page, live_server, "northwind", await person(providers["a"], "carla@xenon.example"))

    await page.goto(f"{live_server}/portal/accounts/{ids.encode_id('Account', w.x.id)}/statements")
    latest = await page.text_content("#latest-statement")
    start, end = default_period(w.today, w.x_invoices[0].issue_date)  # from the 1st of last month
    fmt = Formatter("en_US")

    assert start.day == 1 and start < end == w.today and (end - start).days >= 28
    assert latest == f"Statement {fmt.date(start)} to {fmt.date(end)} (PDF)"
    assert (await page.input_value("#f-from"), await page.input_value("#f-to")) == (
        start.isoformat(),
        end.isoformat(),
    )
    await checked(page, "statements-default")


async def test_given_a_host_that_names_no_tenant_then_the_chooser_wears_no_tenants_branding(
    live_server, page
):
    await page.goto(f"{live_server}/portal/", wait_until="domcontentloaded")

    assert (await page.text_content("header.site")).strip() == "Ledgerport customer portal"
    assert await page.get_by_role("link", name="Northwind Components Ltd").count() == 1
    assert await page.get_by_role("link", name="Cloudly GmbH").count() == 1
    assert await page.locator("header.site img").count() == 0
    await checked(page, "tenant-chooser")
