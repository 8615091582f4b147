"""The portal overview redraws its balance when a payment is recorded, without a reload (Chromium): the
page's own script opens ``/portal/graphql`` with the session cookie (same origin) and subscribes to
``accountChanged``; a payment of another tenant's customer changes nothing on it."""

from __future__ import annotations

from app.realtime.hub import HUB
from app.tenancy.service import system_scope
from schema.common import ids
from tests import payments_data as data
from tests.browser import sign_in
from tests.portal_data import world
from tests.realtime_world import record_payment
from tests.signin_flow import person
from tests.workers import eventually


async def test_a_payment_recorded_by_staff_updates_the_contacts_open_overview_without_a_reload(
    live_server, page, providers
):
    w = await world()
    await sign_in(
        page, live_server, "northwind", await person(providers["a"], "carla@xenon.example", "Carla")
    )
    assert page.url == f"{live_server}/portal/accounts/{ids.encode_id('Account', w.x.id)}"
    assert await page.text_content("[data-figure=balance]") == "$3,550.00"
    loaded = await page.evaluate("performance.timeOrigin")
    await page.wait_for_selector("dl.cards[data-live=subscribed]", state="attached")
    await eventually(lambda: _subscribed(), within=10, what="the page's subscription in the server's hub")

    cloudly = await system_scope("cloudly")
    await record_payment(cloudly, (await data.customer(cloudly, "elsewhere", "EUR")).id, currency="EUR")
    await record_payment(await system_scope("northwind"), w.x.id, 5_000)

    await page.wait_for_function(
        "() => document.querySelector('[data-figure=balance]').textContent === '$3,500.00'", timeout=10_000
    )
    assert await page.evaluate("performance.timeOrigin") == loaded, "the same page, not reloaded"


async def _subscribed() -> bool:
    """The live server runs in this process: its hub shows the page's subscription."""
    return HUB.subscriber_count() > 0
