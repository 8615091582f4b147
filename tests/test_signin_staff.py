"""Staff sign-in through the tenant's real OIDC provider (oidc-provider-mock on loopback)."""

from __future__ import annotations

from app.audit import service as audit
from app.auth import members
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests.signin_flow import csrf, graphql, person, sign_in

VIEWER = "{ viewer { tenant { slug } role principal } }"


async def invite(slug: str, email: str, role: StaffRole) -> None:
    await members.invite_staff(await system_scope(slug), email, role)


async def test_given_an_invited_staff_user_when_signing_in_then_the_session_opens_graphql(browser, providers):
    await invite("northwind", "fiona@northwind.example", StaffRole.FINANCE)
    sub = await person(providers["a"], "fiona@northwind.example")

    response = await sign_in(browser, "/auth/northwind/staff/login", sub)

    assert response.status_code == 303
    assert response.headers["location"] == "/auth/northwind/staff/signed-in"
    set_cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookie if c.startswith("lp_staff="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie and "Secure" in session_cookie
    answer = await graphql(browser, "/graphql", VIEWER, "staff")
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["viewer"] == {
        "tenant": {"slug": "northwind"},
        "role": "finance",
        "principal": "fiona@northwind.example",
    }


async def test_given_a_linked_user_when_signing_in_again_then_the_subject_finds_them_and_the_session_rotates(
    browser, providers
):
    await invite("northwind", "sam@northwind.example", StaffRole.SUPPORT)
    sub = await person(providers["a"], "sam@northwind.example")
    await sign_in(browser, "/auth/northwind/staff/login", sub)
    first_cookie, first_csrf = browser.cookies.get("lp_staff"), csrf(browser, "staff")
    # The provider now reports another email for the same subject: linking goes by subject.
    await person(providers["a"], "sam.renamed@elsewhere.example")
    from tests.signin_flow import register_user

    await register_user(providers["a"], sub, email="sam.renamed@elsewhere.example", email_verified=True)

    response = await sign_in(browser, "/auth/northwind/staff/login", sub)

    assert response.status_code == 303
    assert browser.cookies.get("lp_staff") != first_cookie and csrf(browser, "staff") != first_csrf
    answer = await graphql(browser, "/graphql", VIEWER, "staff")
    assert answer.json()["data"]["viewer"]["principal"] == "sam@northwind.example"
    # The old session ended at the new sign-in.
    browser.cookies.set("lp_staff", first_cookie, domain="testserver.local")
    browser.cookies.set("lp_staff_csrf", first_csrf, domain="testserver.local")
    stale = await graphql(browser, "/graphql", VIEWER, "staff")
    assert stale.status_code == 401


async def test_given_an_allowed_email_domain_when_an_unknown_person_signs_in_then_they_join_as_viewer(
    browser, providers, tenants
):
    sub = await person(providers["a"], "new.hire@northwind.example")

    response = await sign_in(browser, "/auth/northwind/staff/login", sub)

    assert response.status_code == 303
    answer = await graphql(browser, "/graphql", VIEWER, "staff")
    assert answer.json()["data"]["viewer"]["role"] == "viewer"
    events = await audit.recent(await system_scope("northwind"), action="auth.signed_in")
    assert [(e.actor, e.details["linked_by"], e.ip) for e in events] == [
        ("new.hire@northwind.example", "allowed_domain", "203.0.113.7")
    ]
    assert await audit.recent(await system_scope("cloudly")) == []
