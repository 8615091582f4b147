"""Portal pages over HTTP: forms check CSRF and validate on the server, keep what was typed, follow roles."""

from __future__ import annotations

from app.audit import service as audit
from app.auth.repositories import identities
from app.models.enums import ContactRole
from app.tenancy.service import system_scope
from schema.common import ids
from tests.portal_data import world
from tests.signin_flow import csrf, person, sign_in

LOGIN = "/auth/northwind/portal/login"


async def as_contact(browser, providers, email: str) -> str:
    await sign_in(browser, LOGIN, await person(providers["a"], email))
    return csrf(browser, "portal")


async def test_given_a_signed_in_contact_then_sign_in_lands_on_its_account_overview(browser, providers):
    w = await world()
    sub = await person(providers["a"], "carla@xenon.example")

    await sign_in(browser, LOGIN, sub)
    landing = await browser.get("/auth/northwind/portal/signed-in")
    home = await browser.get("/portal/")

    assert landing.status_code == 303 and landing.headers["location"] == "/portal/"
    assert home.headers["location"] == f"/portal/accounts/{ids.encode_id('Account', w.x.id)}"


async def test_given_a_form_without_the_csrf_token_then_it_is_refused_and_nothing_changes(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    response = await browser.post(
        f"/portal/accounts/{account}/billing", data={"address": "Forged 1", "csrf_token": "wrong"}
    )

    assert response.status_code == 403
    page = await browser.get(f"/portal/accounts/{account}/billing")
    assert "Forged 1" not in page.text and "1 Xenon Way" in page.text


async def test_given_invalid_billing_details_then_field_messages_show_and_the_input_is_kept(
    browser, providers
):
    w = await world()
    token = await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    bad = await browser.post(
        f"/portal/accounts/{account}/billing",
        data={"csrf_token": token, "address": "", "taxId": "DE-9", "billingEmail": "not an email"},
    )
    good = await browser.post(
        f"/portal/accounts/{account}/billing",
        data={
            "csrf_token": token,
            "address": "9 New Street",
            "taxId": "DE-9",
            "billingEmail": "ap@xenon.example",
        },
    )

    assert bad.status_code == 400
    assert 'id="address-error"' in bad.text and 'id="billingEmail-error"' in bad.text
    assert 'value="not an email"' in bad.text and 'value="DE-9"' in bad.text
    assert 'aria-invalid="true" aria-describedby="address-error"' in bad.text
    assert good.status_code == 200 and "Your billing details are saved." in good.text
    events = await audit.recent(await system_scope("northwind"), action="billing.updated")
    assert events[0].details["address"] == {"from": "1 Xenon Way\nSpringfield", "to": "9 New Street"}


async def test_given_a_viewer_then_pages_offer_no_forms_that_change_anything_and_posts_are_forbidden(
    browser, providers
):
    w = await world()
    token = await as_contact(browser, providers, "vera@xenon.example")
    invoice = ids.encode_id("Invoice", w.x_invoices[0].id)

    page = await browser.get(f"/portal/invoices/{invoice}")
    billing = await browser.get(f"/portal/accounts/{ids.encode_id('Account', w.x.id)}/billing")
    ask = await browser.post(
        f"/portal/invoices/{invoice}/ask", data={"csrf_token": token, "subject": "s", "message": "m"}
    )

    assert (
        page.status_code == 200
        and "Ask about this invoice" not in page.text
        and "Open dispute" not in page.text
    )
    assert "Only an administrator of this account can change these details." in billing.text
    assert ask.status_code == 403


async def test_given_an_empty_question_then_the_invoice_page_shows_the_errors_and_keeps_the_subject(
    browser, providers
):
    w = await world()
    token = await as_contact(browser, providers, "carla@xenon.example")
    invoice = ids.encode_id("Invoice", w.x_invoices[1].id)

    response = await browser.post(
        f"/portal/invoices/{invoice}/ask",
        data={"csrf_token": token, "subject": "Freight?", "message": "  ", "lines": ["2"]},
    )

    assert response.status_code == 400
    assert 'id="message-error"' in response.text and 'value="Freight?"' in response.text
    assert 'id="line-2" name="lines" value="2" checked' in response.text


async def test_given_a_contact_of_two_accounts_then_the_switcher_moves_between_them_only(browser, providers):
    w = await world()
    a = await system_scope("northwind")
    carla = await identities.contact_by_email(a.tenant_id, "carla@xenon.example")
    await identities.grant_access(a.tenant_id, carla.id, w.y.id, ContactRole.VIEWER)
    await as_contact(browser, providers, "carla@xenon.example")
    y = ids.encode_id("Account", w.y.id)
    z = ids.encode_id("Account", w.z.id)

    overview = await browser.get(f"/portal/accounts/{ids.encode_id('Account', w.x.id)}")
    switched = await browser.get(f"/portal/switch?account={y}")
    refused = await browser.get(f"/portal/switch?account={z}")

    assert 'id="account-switcher"' in overview.text and "Yarrow Labs" in overview.text
    assert switched.headers["location"] == f"/portal/accounts/{y}"
    assert refused.status_code == 404


async def test_given_filters_and_pages_then_the_invoice_list_pages_forward_with_the_filter(
    browser, providers
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    base = f"/portal/accounts/{ids.encode_id('Account', w.x.id)}/invoices"
    from app.web.portal import handler

    original = handler.PAGE_SIZE
    handler.PAGE_SIZE = 2
    try:
        first = await browser.get(f"{base}?status=open")
        next_link = (
            first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
        )
        second = await browser.get(base + next_link)
    finally:
        handler.PAGE_SIZE = original
    bad = await browser.get(f"{base}?from=yesterday")

    assert "INV-X2" in first.text and "INV-X3" in first.text and "INV-X1" not in first.text
    assert "status=open" in next_link
    assert "INV-X1" in second.text and "INV-X2" not in second.text
    assert bad.status_code == 400 and 'value="yesterday"' in bad.text and 'id="from-error"' in bad.text


async def test_given_an_invitation_link_then_its_page_names_the_tenant_and_leads_to_sign_in(client):
    response = await client.get("/portal/join/cloudly?invitation=abc123")

    assert response.status_code == 200 and "Cloudly GmbH customer portal" in response.text
    assert 'href="/auth/cloudly/portal/login?invitation=abc123"' in response.text
    assert (await client.get("/portal/join/nobody?invitation=x")).status_code == 404


async def test_given_files_on_the_question_form_then_they_are_stored_within_the_tenant_limits(
    browser, providers
):
    w = await world()
    token = await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)
    form = {"csrf_token": token, "subject": "Remittance", "message": "See the advice"}

    refused = await browser.post(
        f"/portal/accounts/{account}/support/new",
        data=form,
        files=[("attachments", ("tool.exe", b"MZ", "application/x-msdownload"))],
    )
    sent = await browser.post(
        f"/portal/accounts/{account}/support/new",
        data=form,
        files=[("attachments", ("advice.csv", b"invoice,amount\nINV-X1,600.00\n", "text/csv"))],
    )
    thread = await browser.get(sent.headers["location"])
    link = thread.text.split('href="/portal/attachments/')[1].split('"')[0]
    download = await browser.get(f"/portal/attachments/{link}")

    assert refused.status_code == 400 and 'id="attachments-error"' in refused.text
    assert 'value="Remittance"' in refused.text
    assert sent.status_code == 303 and "advice.csv" in thread.text
    assert download.content == b"invoice,amount\nINV-X1,600.00\n"
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''advice.csv"


async def test_given_an_account_admin_then_the_profile_page_invites_a_colleague_and_viewers_cannot(
    browser, providers
):
    w = await world()
    token = await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    bad = await browser.post(
        f"/portal/accounts/{account}/invite", data={"csrf_token": token, "email": "nobody", "role": "payer"}
    )
    good = await browser.post(
        f"/portal/accounts/{account}/invite",
        data={"csrf_token": token, "email": "pat@xenon.example", "role": "payer"},
    )

    assert bad.status_code == 400 and 'value="nobody"' in bad.text and 'id="email-error"' in bad.text
    assert good.status_code == 200 and "/portal/join/northwind?invitation=" in good.text
    events = await audit.recent(await system_scope("northwind"), action="invitation.created")
    assert len(events) == 1

    token = await as_contact(browser, providers, "vera@xenon.example")
    profile = await browser.get(f"/portal/profile?account={account}")
    refused = await browser.post(
        f"/portal/accounts/{account}/invite", data={"csrf_token": token, "email": "x@xenon.example"}
    )
    assert "Invite a colleague" not in profile.text and refused.status_code == 403


async def test_given_any_account_page_then_the_navigation_leads_to_the_pay_page(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    pages = [await browser.get(f"/portal/accounts/{account}{path}") for path in ("", "/invoices", "/support")]

    assert all(f'<a href="/portal/accounts/{account}/pay">Pay</a>' in page.text for page in pages)
