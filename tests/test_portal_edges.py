"""The portal's edges over HTTP: whose branding a host that names no tenant shows, and which footer the
portal's pages carry (none: the documents' footer is about documents)."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from schema.common import ids
from tests.documents_data import pdf_text
from tests.portal_data import world
from tests.signin_flow import person, sign_in

LOGIN = "/auth/northwind/portal/login"
DOCUMENT_FOOTER = "Questions about this document? Use the customer portal."


async def test_given_a_host_that_names_no_tenant_then_signing_in_starts_at_a_neutral_chooser(client):
    chooser = await client.get("/portal/")

    assert chooser.status_code == 401
    assert "Ledgerport customer portal" in chooser.text
    assert "Cloudly GmbH customer portal" not in chooser.text
    assert "Northwind Components Ltd customer portal" not in chooser.text
    assert "#3d2b8f" not in chooser.text and "#0b5394" not in chooser.text  # neither tenant's colours
    assert 'href="/auth/cloudly/portal/login?next=%2Fportal%2F"' in chooser.text
    assert 'href="/auth/northwind/portal/login?next=%2Fportal%2F"' in chooser.text


async def test_given_a_northwind_contact_on_a_host_that_names_no_tenant_then_it_sees_its_own_tenant(
    browser, providers
):
    w = await world()
    await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))

    home = await browser.get("/portal/", follow_redirects=True)

    assert home.url.path == f"/portal/accounts/{ids.encode_id('Account', w.x.id)}"
    assert "Northwind Components Ltd customer portal" in home.text and "Cloudly" not in home.text


async def test_given_an_expired_session_on_a_host_that_names_no_tenant_then_its_own_sign_in_follows(
    browser, providers
):
    w = await world()
    await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))
    account = f"/portal/accounts/{ids.encode_id('Account', w.x.id)}"

    with clock.frozen(clock.now() + timedelta(hours=3)):  # past the idle timeout
        expired = await browser.get(account)

    assert expired.status_code == 303
    assert expired.headers["location"] == f"{LOGIN}?next=%2Fportal%2Faccounts%2F{account.rsplit('/', 1)[1]}"


async def test_given_the_documents_footer_then_documents_print_it_and_portal_pages_do_not(browser, providers):
    w = await world()
    await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))
    account = f"/portal/accounts/{ids.encode_id('Account', w.x.id)}"

    pages = [await browser.get(account + path) for path in ("", "/invoices", "/statements", "/support")]
    pdf = await browser.get(f"/documents/invoices/{ids.encode_id('Invoice', w.x_invoices[0].id)}.pdf")

    assert all(p.status_code == 200 and DOCUMENT_FOOTER not in p.text for p in pages)
    assert DOCUMENT_FOOTER in pdf_text(pdf.content)
