"""A dunning message's pay link in Chromium: the account's contact lands on the pay page with exactly the
invoices of the message selected; a contact of another account gets not-found."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from app.collections import dunning
from app.models import CustomerAccount
from app.portal.links import ORIGIN_ENV
from app.tenancy.service import system_scope
from schema.common import ids
from tests.browser import sign_in
from tests.portal_data import world
from tests.signin_flow import person
from tests.stripe_fixtures import deliver_webhooks_to


async def _pay_link(monkeypatch, live_server, registry):
    """The world of the portal tests, X given a billing email, and the link of X's dunning message today."""
    monkeypatch.setenv(ORIGIN_ENV, live_server)
    w = await world()
    await CustomerAccount.filter(id=w.x.id).update(billing_email="ap@xenon.example")
    scope = await system_scope("northwind")
    report = await dunning.run(scope, registry.require("northwind").config, w.today)
    (out,) = [o for o in report.sent if o.planned.customer_id == w.x.id]
    return w, out


async def test_the_pay_link_opens_the_pay_page_with_the_messages_invoices_selected(
    stripe_env, live_server, page, providers, registry, monkeypatch
):
    _, out = await _pay_link(monkeypatch, live_server, registry)
    await deliver_webhooks_to(stripe_env, "northwind", live_server)
    listed = {ids.encode_id("Invoice", line.invoice_id) for line in out.planned.lines}
    assert listed and set(parse_qs(urlparse(out.pay_link).query)["invoice"]) == listed

    await sign_in(
        page, live_server, "northwind", await person(providers["a"], "carla@xenon.example", "Carla")
    )
    await page.goto(out.pay_link, wait_until="networkidle")

    boxes = await page.query_selector_all("input[name=invoice]")
    checked = {await b.get_attribute("value") for b in boxes if await b.is_checked()}
    assert checked == listed
    assert len(boxes) >= len(checked)  # the account's other open invoices are offered, not selected
    total = sum(line.open_amount for line in out.planned.lines)
    assert await page.text_content("#pay-total") == f"${total / 100:,.2f}"


async def test_a_contact_of_another_account_following_the_pay_link_gets_not_found(
    stripe_env, live_server, page, providers, registry, monkeypatch
):
    _, out = await _pay_link(monkeypatch, live_server, registry)

    await sign_in(page, live_server, "northwind", await person(providers["a"], "yuri@yarrow.example", "Yuri"))
    answer = await page.goto(out.pay_link, wait_until="domcontentloaded")

    assert answer.status == 404
    assert "INV-X1" not in await page.text_content("body")
