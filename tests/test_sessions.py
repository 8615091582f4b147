"""Session cookies: CSRF on cookie-authenticated POSTs, sign-out, admin revocation, timeouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.audit import service as audit
from app.auth import members, sessions
from app.errors import NotFound, PermissionDenied
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests.signin_flow import csrf, graphql, person, sign_in

VIEWER = "{ viewer { role } }"


async def signed_in_staff(browser, providers, email: str = "olga@northwind.example") -> None:
    await members.invite_staff(await system_scope("northwind"), email, StaffRole.ADMIN)
    response = await sign_in(browser, "/auth/northwind/staff/login", await person(providers["a"], email))
    assert response.status_code == 303


async def test_given_a_session_cookie_when_posting_without_the_csrf_token_then_it_is_refused(
    browser, providers
):
    await signed_in_staff(browser, providers)

    missing = await browser.post("/graphql", json={"query": VIEWER})
    wrong = await browser.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": "guess"})
    right = await graphql(browser, "/graphql", VIEWER, "staff")

    for refused in (missing, wrong):
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "csrf_failed"
        assert "data" not in refused.json()
    assert right.status_code == 200 and right.json()["data"]["viewer"]["role"] == "admin"


async def test_given_a_portal_cookie_when_posting_without_the_csrf_token_then_it_is_refused(
    browser, providers
):
    from app.models.enums import ContactRole
    from tests import auth_data

    scope = await system_scope("northwind")
    x = await auth_data.customer(scope, "Xenon Retail")
    await auth_data.contact(scope, "carla@xenon.example", {x.id: ContactRole.VIEWER})
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )

    refused = await browser.post("/portal/graphql", json={"query": "{ me { contact { email } } }"})

    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "csrf_failed"


async def test_given_a_sign_out_form_without_the_csrf_token_then_the_session_stays(browser, providers):
    await signed_in_staff(browser, providers)

    refused = await browser.post("/auth/logout?audience=staff", data={})

    assert refused.status_code == 403 and "CSRF" in refused.text
    assert (await graphql(browser, "/graphql", VIEWER, "staff")).status_code == 200


async def test_given_a_signed_in_user_when_signing_out_then_the_session_ends_and_the_provider_is_asked_too(
    browser, providers
):
    await signed_in_staff(browser, providers)
    token = csrf(browser, "staff")
    cookie = browser.cookies.get("lp_staff")

    response = await browser.post("/auth/logout?audience=staff", data={"csrf_token": token})

    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"{providers['a']}/oauth2/end_session?")
    assert "id_token_hint=" in location and "post_logout_redirect_uri=" in location
    assert "lp_staff" not in browser.cookies
    browser.cookies.set("lp_staff", cookie, domain="testserver.local")
    browser.cookies.set("lp_staff_csrf", token, domain="testserver.local")
    after = await graphql(browser, "/graphql", VIEWER, "staff")
    assert after.status_code == 401 and after.json()["errors"][0]["extensions"]["code"] == "session_revoked"
    events = await audit.recent(await system_scope("northwind"), action="auth.signed_out")
    assert [e.actor for e in events] == ["olga@northwind.example"]


async def test_given_a_staff_admin_when_revoking_a_session_then_its_next_request_is_refused(
    browser, providers
):
    await signed_in_staff(browser, providers)
    admin = await system_scope("northwind", principal="head-of-it")
    [session] = await sessions.list_active(admin)

    await sessions.revoke(admin, session.id)

    answer = await graphql(browser, "/graphql", VIEWER, "staff")
    assert answer.status_code == 401
    assert [e.details["principal"] for e in await audit.recent(admin, action="session.revoked")] == [
        "olga@northwind.example"
    ]


async def test_given_another_tenant_or_a_non_admin_when_revoking_then_it_is_not_found_or_forbidden(
    browser, providers
):
    import dataclasses

    await signed_in_staff(browser, providers)
    [session] = await sessions.list_active(await system_scope("northwind"))

    with pytest.raises(NotFound):
        await sessions.revoke(await system_scope("cloudly"), session.id)
    finance = dataclasses.replace(await system_scope("northwind"), role=StaffRole.FINANCE)
    with pytest.raises(PermissionDenied):
        await sessions.revoke(finance, session.id)
    assert (await graphql(browser, "/graphql", VIEWER, "staff")).status_code == 200


@pytest.mark.parametrize(
    "field, age",
    [("last_seen_at", sessions.IDLE_TIMEOUT), ("expires_at", timedelta(0))],
    ids=["idle", "absolute"],
)
async def test_given_a_timed_out_session_then_it_is_refused(browser, providers, field, age):
    await signed_in_staff(browser, providers)
    [session] = await sessions.list_active(await system_scope("northwind"))
    setattr(session, field, datetime.now(UTC) - age - timedelta(seconds=1))
    await session.save(update_fields=[field])

    answer = await graphql(browser, "/graphql", VIEWER, "staff")

    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "session_expired"


async def test_given_a_role_change_then_the_live_session_gets_the_new_role_and_it_is_audited(
    browser, providers
):
    await signed_in_staff(browser, providers)
    admin = await system_scope("northwind", principal="head-of-it")
    from app.auth.repositories import members as member_rows

    membership = await member_rows.by_email(admin, "olga@northwind.example")

    await members.change_role(admin, membership.id, StaffRole.COLLECTIONS)

    answer = await graphql(browser, "/graphql", VIEWER, "staff")
    assert answer.json()["data"]["viewer"]["role"] == "collections"
    [event] = await audit.recent(admin, action="member.role_changed")
    assert (event.actor, event.details["from"], event.details["to"]) == ("head-of-it", "admin", "collections")
