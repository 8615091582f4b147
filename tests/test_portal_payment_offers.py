"""What the portal offers to pay: nothing with a credit balance, the overdue balance only when something is
overdue, and nothing to a viewer."""

from __future__ import annotations

from app.tenancy.service import system_scope
from schema.common import ids
from tests.portal_data import credit_account, world
from tests.signin_flow import person, sign_in

LOGIN = "/auth/northwind/portal/login"


async def test_given_a_credit_balance_then_the_overview_says_so_and_nothing_is_offered_to_pay(
    browser, providers
):
    await world()
    customer = await credit_account(await system_scope("northwind"), "cleo@credit.example")
    await sign_in(browser, LOGIN, await person(providers["a"], "cleo@credit.example"))
    account = f"/portal/accounts/{ids.encode_id('Account', customer.id)}"

    overview = await browser.get(account)
    pay = await browser.get(account + "/pay")

    assert '<dt>Credit balance</dt><dd data-figure="balance">$659.91</dd>' in overview.text
    assert "-$659.91" not in overview.text
    assert "Pay my overdue balance" not in overview.text and "Pay open invoices" not in overview.text
    assert "in credit by $659.91: there is nothing to pay" in pay.text
    assert 'id="pay-button"' not in pay.text and "Pay my overdue balance" not in pay.text
    assert "<script" not in pay.text


async def test_given_open_invoices_none_overdue_then_paying_them_is_offered_but_not_an_overdue_balance(
    browser, providers
):
    w = await world()  # Yarrow Labs: one invoice, due in 25 days
    await sign_in(browser, LOGIN, await person(providers["a"], "yuri@yarrow.example"))
    account = f"/portal/accounts/{ids.encode_id('Account', w.y.id)}"

    overview = await browser.get(account)

    assert 'data-offer="open"' in overview.text and "Pay open invoices" in overview.text
    assert "Pay my overdue balance" not in overview.text


async def test_given_an_overdue_balance_then_both_offers_show_and_viewers_get_none(browser, providers):
    w = await world()
    account = f"/portal/accounts/{ids.encode_id('Account', w.x.id)}"
    await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))
    admin = await browser.get(account)
    await sign_in(browser, LOGIN, await person(providers["a"], "vera@xenon.example"))
    viewer = await browser.get(account)

    assert f'href="{account}/pay?overdue=1">Pay my overdue balance</a>' in admin.text
    assert f'href="{account}/pay">Pay open invoices</a>' in admin.text
    assert "data-offer" not in viewer.text
