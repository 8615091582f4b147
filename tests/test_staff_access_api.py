"""Staff admins manage access through /graphql: invite staff, change roles, list and revoke sessions."""

from __future__ import annotations

import httpx

from app.auth import members
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from schema.common import ids
from tests.helpers import gql, make_token
from tests.oidc_fixtures import browser_for
from tests.signin_flow import graphql, person, sign_in

INVITE = """mutation($input: InviteStaffInput!) {
  inviteStaff(input: $input) { member { id email role linked } userErrors { field code message } }
}"""
CHANGE = """mutation($input: ChangeStaffRoleInput!) {
  changeStaffRole(input: $input) { member { email role } userErrors { code message } }
}"""
SESSIONS = "{ signInSessions { id kind principal ip } }"
REVOKE = """mutation($input: RevokeSessionInput!) {
  revokeSession(input: $input) { session { principal } userErrors { code message } }
}"""


async def test_given_an_admin_when_inviting_staff_by_graphql_then_the_person_can_sign_in_with_that_role(
    browser, providers
):
    admin = await make_token("northwind", StaffRole.ADMIN)

    invited = await gql(
        browser, INVITE, admin, {"input": {"email": "Kai@Northwind.example", "role": "SALES"}}
    )
    duplicate = await gql(
        browser, INVITE, admin, {"input": {"email": "kai@northwind.example", "role": "ADMIN"}}
    )

    member = invited.json()["data"]["inviteStaff"]["member"]
    assert (member["email"], member["role"], member["linked"]) == ("kai@northwind.example", "SALES", False)
    assert duplicate.json()["data"]["inviteStaff"]["userErrors"][0]["code"] == "duplicate"
    await sign_in(
        browser, "/auth/northwind/staff/login", await person(providers["a"], "kai@northwind.example")
    )
    viewer = await graphql(browser, "/graphql", "{ viewer { role } }", "staff")
    assert viewer.json()["data"]["viewer"]["role"] == "sales"


async def test_given_a_member_of_another_tenant_when_changing_its_role_then_it_is_not_found(browser):
    other = await members.invite_staff(await system_scope("cloudly"), "c@cloudly.example", StaffRole.VIEWER)
    admin_a = await make_token("northwind", StaffRole.ADMIN)

    answer = await gql(
        browser, CHANGE, admin_a, {"input": {"memberId": ids.encode_id("Member", other.id), "role": "ADMIN"}}
    )

    assert answer.json()["data"]["changeStaffRole"]["userErrors"][0]["code"] == "not_found"


async def test_given_an_admin_session_when_revoking_another_session_by_graphql_then_that_browser_is_out(
    browser, providers
):
    scope = await system_scope("northwind")
    await members.invite_staff(scope, "boss@northwind.example", StaffRole.ADMIN)
    await members.invite_staff(scope, "temp@northwind.example", StaffRole.VIEWER)
    await sign_in(
        browser, "/auth/northwind/staff/login", await person(providers["a"], "boss@northwind.example")
    )
    async with browser_for(browser.app) as temps_browser:
        await sign_in(
            temps_browser,
            "/auth/northwind/staff/login",
            await person(providers["a"], "temp@northwind.example"),
        )
        listed = (await graphql(browser, "/graphql", SESSIONS, "staff")).json()["data"]["signInSessions"]
        temp = next(s for s in listed if s["principal"] == "temp@northwind.example")
        assert temp["ip"] == "203.0.113.7" and temp["kind"] == "staff"

        revoked = await graphql(browser, "/graphql", REVOKE, "staff", {"input": {"id": temp["id"]}})

        assert revoked.json()["data"]["revokeSession"] == {
            "session": {"principal": "temp@northwind.example"},
            "userErrors": [],
        }
        assert (await graphql(temps_browser, "/graphql", "{ viewer { role } }", "staff")).status_code == 401
    assert (await graphql(browser, "/graphql", "{ viewer { role } }", "staff")).status_code == 200


async def test_given_a_tenant_host_name_then_sign_in_goes_by_host_and_a_cookie_of_another_tenant_is_refused(
    browser, providers
):
    await members.invite_staff(await system_scope("northwind"), "hana@northwind.example", StaffRole.FINANCE)
    transport = httpx.ASGITransport(app=browser.app, raise_app_exceptions=False)
    hosts = {"https://northwind.localhost": transport, "https://cloudly.localhost": transport}
    async with httpx.AsyncClient(
        base_url="https://northwind.localhost", mounts={**hosts, "all://": httpx.AsyncHTTPTransport()}
    ) as by_host:
        sub = await person(providers["a"], "hana@northwind.example")

        response = await sign_in(by_host, "/auth/staff/login", sub)

        assert response.status_code == 303 and response.headers["location"] == "/auth/staff/signed-in"
        assert (await graphql(by_host, "/graphql", "{ viewer { role } }", "staff")).status_code == 200
        cookie = by_host.cookies.get("lp_staff")
        token = by_host.cookies.get("lp_staff_csrf")
    async with httpx.AsyncClient(base_url="https://cloudly.localhost", transport=transport) as other_host:
        other_host.cookies.set("lp_staff", cookie)
        refused = await other_host.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"X-CSRF-Token": token}
        )
        assert refused.status_code == 401
        assert "another tenant" in refused.json()["errors"][0]["message"]
