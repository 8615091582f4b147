"""Every way a sign-in can be wrong is refused with a clear message, no session, and an audit row."""

from __future__ import annotations

import httpx

from app.audit import service as audit
from app.auth import members, sessions
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests.oidc_fixtures import browser_for, tenants_dir
from tests.signin_flow import authorize, finish, param, person, start, with_params

LOGIN = "/auth/northwind/staff/login"


async def invited(providers, email: str = "ina@northwind.example") -> str:
    await members.invite_staff(await system_scope("northwind"), email, StaffRole.FINANCE)
    return await person(providers["a"], email)


async def assert_refused(response: httpx.Response, browser, status: int, message: str, reason: str) -> None:
    assert response.status_code == status, response.text
    assert message in response.text
    assert "Traceback" not in response.text
    assert "lp_staff" not in browser.cookies and "lp_portal" not in browser.cookies
    scope = await system_scope("northwind")
    assert await sessions.list_active(scope) == []
    failures = await audit.recent(scope, action="auth.sign_in_failed")
    assert [e.details["reason"] for e in failures] == [reason]


async def test_given_a_tampered_state_when_the_provider_returns_then_sign_in_is_refused(browser, providers):
    sub = await invited(providers)
    callback = await authorize(browser, await start(browser, LOGIN), sub)

    response = await finish(browser, with_params(callback, state="forged-state"))

    await assert_refused(response, browser, 400, "state mismatch", "state_mismatch")


async def test_given_a_callback_without_a_started_sign_in_then_it_is_refused(browser, providers):
    sub = await invited(providers)
    callback = await authorize(browser, await start(browser, LOGIN), sub)
    browser.cookies.clear()

    response = await finish(browser, callback)

    await assert_refused(response, browser, 400, "not started here", "state_missing")


async def test_given_an_authorization_request_without_nonce_then_the_id_token_is_refused(browser, providers):
    sub = await invited(providers)
    url = with_params(await start(browser, LOGIN), nonce=None)

    response = await finish(browser, await authorize(browser, url, sub))

    await assert_refused(response, browser, 400, "carried no nonce", "nonce_missing")


async def test_given_a_replayed_nonce_from_an_earlier_sign_in_then_the_id_token_is_refused(
    browser, providers
):
    sub = await invited(providers)
    earlier_nonce = param(await start(browser, LOGIN), "nonce")
    url = with_params(await start(browser, LOGIN), nonce=earlier_nonce)

    response = await finish(browser, await authorize(browser, url, sub))

    await assert_refused(response, browser, 400, "nonce mismatch", "nonce_mismatch")


async def test_given_a_code_from_tenant_b_provider_at_tenant_a_then_sign_in_is_refused(browser, providers):
    sub = await invited(providers)
    await person(providers["b"], "ina@northwind.example")
    url_at_a = await start(browser, LOGIN)
    url_at_b = url_at_a.replace(providers["a"], providers["b"])

    response = await finish(browser, await authorize(browser, url_at_b, sub))

    await assert_refused(response, browser, 400, "refused the sign-in code", "code_rejected")


async def test_given_a_provider_that_signs_expired_tokens_then_sign_in_is_refused(
    settings, providers, auth_tenants, tmp_path
):
    from app.tenancy.registry import TenantRegistry
    from app.web.app import create_app

    registry = TenantRegistry.load(
        tenants_dir(tmp_path / "t", {"northwind": providers["expired"], "cloudly": providers["b"]})
    )
    sub = await invited({"a": providers["expired"]})
    async with browser_for(create_app(settings, registry, manage_database=False)) as browser:
        response = await finish(browser, await authorize(browser, await start(browser, LOGIN), sub))

        await assert_refused(response, browser, 400, "expired", "token_expired")


async def test_given_an_uninvited_email_then_the_page_says_not_invited_and_nothing_is_created(
    browser, providers
):
    sub = await person(providers["a"], "stranger@gmail.example")

    response = await finish(browser, await authorize(browser, await start(browser, LOGIN), sub))

    await assert_refused(response, browser, 403, "stranger@gmail.example is not invited", "not_invited")
    scope = await system_scope("northwind")
    from app.auth.repositories import members as member_rows

    assert await member_rows.by_email(scope, "stranger@gmail.example") is None


async def test_given_an_invited_email_that_the_provider_has_not_verified_then_it_is_not_linked(
    browser, providers
):
    await members.invite_staff(await system_scope("northwind"), "uv@northwind.example", StaffRole.ADMIN)
    sub = await person(providers["a"], "uv@northwind.example", verified=False)

    response = await finish(browser, await authorize(browser, await start(browser, LOGIN), sub))

    await assert_refused(response, browser, 403, "not invited", "not_invited")


async def test_given_an_invitation_of_tenant_a_when_signing_in_at_tenant_b_then_it_is_not_invited(
    browser, providers
):
    sub = await invited(providers)
    await person(providers["b"], "ina@northwind.example")

    response = await finish(
        browser, await authorize(browser, await start(browser, "/auth/cloudly/staff/login"), sub)
    )

    assert response.status_code == 403 and "not invited to Cloudly GmbH" in response.text
    assert "lp_staff" not in browser.cookies


async def test_given_a_missing_client_secret_then_the_login_page_says_which_variable_to_set(
    browser, monkeypatch
):
    monkeypatch.delenv("NORTHWIND_STAFF_OIDC_SECRET")

    response = await browser.get(LOGIN)

    assert response.status_code == 503
    assert "NORTHWIND_STAFF_OIDC_SECRET" in response.text and "Traceback" not in response.text


async def test_given_an_unreachable_provider_then_the_login_page_says_so(settings, auth_tenants, tmp_path):
    import socket

    from app.tenancy.registry import TenantRegistry
    from app.web.app import create_app

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    registry = TenantRegistry.load(tenants_dir(tmp_path / "t", {"northwind": dead, "cloudly": dead}))
    async with browser_for(create_app(settings, registry, manage_database=False)) as browser:
        response = await browser.get(LOGIN)

    assert response.status_code == 503 and "could not be reached" in response.text
    assert "lp_login" not in browser.cookies


async def test_given_a_linked_member_when_another_account_with_the_same_email_signs_in_then_it_is_refused(
    browser, providers
):
    from tests.signin_flow import register_user, sign_in

    sub = await invited(providers)
    assert (await sign_in(browser, LOGIN, sub)).status_code == 303
    browser.cookies.clear()
    await register_user(providers["a"], "impostor", email="ina@northwind.example", email_verified=True)

    response = await sign_in(browser, LOGIN, "impostor")

    assert response.status_code == 400 and "already linked to another sign-in account" in response.text
    assert "lp_staff" not in browser.cookies
