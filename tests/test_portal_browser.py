"""The portal in Debian's Chromium: sign in through the provider's form, read figures, every page passes axe."""

from __future__ import annotations

from schema.common import ids
from tests.browser import assert_accessible, screenshots, sign_in
from tests.portal_data import world
from tests.signin_flow import person


async def test_given_a_contact_when_signing_in_in_chromium_then_the_overview_shows_its_figures(
    live_server, page, providers
):
    w = await world()
    sub = await person(providers["a"], "carla@xenon.example", "Carla")

    await sign_in(page, live_server, "northwind", sub)

    assert page.url == f"{live_server}/portal/accounts/{ids.encode_id('Account', w.x.id)}"
    assert await page.text_content("[data-figure=balance]") == "$3,550.00"
    await assert_accessible(page)
    await screenshots(page, "overview")
