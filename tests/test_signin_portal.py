"""Contacts sign in to the portal through the tenant's provider and see only their own accounts."""

from __future__ import annotations

from app.audit import service as audit
from app.models.enums import ContactRole
from app.tenancy.service import system_scope
from schema.common import ids
from tests import auth_data
from tests.oidc_fixtures import browser_for
from tests.signin_flow import authorize, finish, graphql, person, sign_in, start

PORTAL_LOGIN = "/auth/northwind/portal/login"
ME = "{ me { contact { email name } tenant { slug name } accounts { id name role } } }"
INVITE = """
mutation($input: InviteContactInput!) {
  inviteContact(input: $input) { invitationUrl userErrors { field code message } }
}"""


async def invite_via_portal(browser, account_id: str, email: str, role: str | None = None):
    """The contact signed in to ``browser`` invites ``email``; returns the mutation's payload."""
    variables = {"input": {"accountId": account_id, "email": email} | ({"role": role} if role else {})}
    answer = await graphql(browser, "/portal/graphql", INVITE, "portal", variables)
    return answer.json()["data"]["inviteContact"]


async def world():
    """Northwind with customers X and Y, Cloudly with customer Z; a contact admin of X only."""
    a, b = await system_scope("northwind"), await system_scope("cloudly")
    x, y = await auth_data.customer(a, "Xenon Retail"), await auth_data.customer(a, "Yarrow Labs")
    z = await auth_data.customer(b, "Zephyr AG")
    await auth_data.contact(a, "carla@xenon.example", {x.id: ContactRole.ADMIN})
    await auth_data.contact(a, "yuri@yarrow.example", {y.id: ContactRole.VIEWER})
    return x, y, z


async def test_given_an_invited_contact_when_signing_in_then_the_portal_shows_only_its_accounts(
    browser, providers
):
    x, _, _ = await world()
    sub = await person(providers["a"], "carla@xenon.example", "Carla")

    response = await sign_in(browser, PORTAL_LOGIN, sub)

    assert response.status_code == 303 and "lp_portal" in browser.cookies
    answer = await graphql(browser, "/portal/graphql", ME, "portal")
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["me"] == {
        "contact": {"email": "carla@xenon.example", "name": "carla"},
        "tenant": {"slug": "northwind", "name": "Northwind Components Ltd"},
        "accounts": [{"id": ids.encode_id("Account", x.id), "name": "Xenon Retail", "role": "admin"}],
    }


async def test_given_a_contact_session_then_the_staff_api_does_not_answer_it(browser, providers):
    await world()
    await sign_in(browser, PORTAL_LOGIN, await person(providers["a"], "carla@xenon.example"))

    answer = await graphql(browser, "/graphql", "{ viewer { role } }", "portal")

    assert answer.status_code == 401


async def test_given_a_contact_of_x_when_naming_accounts_of_y_or_another_tenant_then_they_are_not_found(
    browser, providers
):
    _, y, z = await world()
    await sign_in(browser, PORTAL_LOGIN, await person(providers["a"], "carla@xenon.example"))

    for crafted in (ids.encode_id("Account", y.id), ids.encode_id("Account", z.id), str(y.id), "junk"):
        payload = await invite_via_portal(browser, crafted, "spy@xenon.example", "ADMIN")
        assert payload["invitationUrl"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["not_found"], crafted


async def test_given_a_contact_admin_invites_a_colleague_then_the_link_works_once(
    browser, providers, settings
):
    x, _, _ = await world()
    await sign_in(browser, PORTAL_LOGIN, await person(providers["a"], "carla@xenon.example"))
    payload = await invite_via_portal(browser, ids.encode_id("Account", x.id), "Pat@Xenon.example", "PAYER")
    url = payload["invitationUrl"]
    assert url.startswith("https://testserver/auth/northwind/portal/login?invitation=")
    pat = await person(providers["a"], "pat@xenon.example")

    async with browser_for(browser.app) as pats_browser:
        first = await sign_in(pats_browser, url.removeprefix("https://testserver"), pat)
        assert first.status_code == 303
        me = (await graphql(pats_browser, "/portal/graphql", ME, "portal")).json()["data"]["me"]
        assert me["accounts"] == [
            {"id": ids.encode_id("Account", x.id), "name": "Xenon Retail", "role": "payer"}
        ]

    async with browser_for(browser.app) as someone_else:
        mallory = await person(providers["a"], "mallory@xenon.example")
        reused = await sign_in(someone_else, url.removeprefix("https://testserver"), mallory)
        assert reused.status_code == 400 and "already been used" in reused.text
        assert "lp_portal" not in someone_else.cookies

    scope = await system_scope("northwind")
    actions = [e.action for e in await audit.recent(scope)]
    assert "invitation.created" in actions and "invitation.accepted" in actions


async def test_given_an_invitation_for_another_email_then_it_is_refused(browser, providers):
    x, _, _ = await world()
    from app.auth import invitations

    _, secret = await invitations.invite(
        await system_scope("northwind"), x.id, "right@xenon.example", ContactRole.VIEWER
    )
    wrong = await person(providers["a"], "wrong@xenon.example")

    response = await finish(
        browser, await authorize(browser, await start(browser, f"{PORTAL_LOGIN}?invitation={secret}"), wrong)
    )

    assert response.status_code == 400 and "sent to another email address" in response.text
    assert "lp_portal" not in browser.cookies


async def test_given_a_viewer_contact_when_inviting_then_it_is_forbidden(browser, providers):
    _, y, _ = await world()
    await sign_in(browser, PORTAL_LOGIN, await person(providers["a"], "yuri@yarrow.example"))

    payload = await invite_via_portal(browser, ids.encode_id("Account", y.id), "x@yarrow.example")

    assert payload["userErrors"][0]["code"] == "forbidden"


async def test_given_a_contact_of_tenant_a_when_signing_in_at_tenant_b_then_it_is_not_invited(
    browser, providers
):
    await world()
    sub = await person(providers["b"], "carla@xenon.example")

    response = await sign_in(browser, "/auth/cloudly/portal/login", sub)

    assert response.status_code == 403 and "not invited to Cloudly GmbH" in response.text
    from app.auth.repositories import identities

    cloudly = await system_scope("cloudly")
    assert await identities.contact_by_email(cloudly.tenant_id, "carla@xenon.example") is None


async def test_given_an_expired_invitation_then_it_is_refused_and_nothing_is_created(browser, providers):
    from datetime import UTC, datetime, timedelta

    from app.auth import invitations
    from app.auth.repositories import identities

    x, _, _ = await world()
    scope = await system_scope("northwind")
    invitation, secret = await invitations.invite(scope, x.id, "late@xenon.example", ContactRole.VIEWER)
    invitation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    await invitation.save(update_fields=["expires_at"])
    late = await person(providers["a"], "late@xenon.example")

    response = await sign_in(browser, f"{PORTAL_LOGIN}?invitation={secret}", late)

    assert response.status_code == 400 and "invitation has expired" in response.text
    assert await identities.contact_by_email(scope.tenant_id, "late@xenon.example") is None


async def test_given_support_staff_then_they_may_invite_contacts_but_viewers_may_not(tenants):
    import dataclasses

    import pytest

    from app.auth import invitations
    from app.errors import NotFound, PermissionDenied
    from app.models.enums import StaffRole

    x, _, z = await world()
    scope = await system_scope("northwind")
    support = dataclasses.replace(scope, role=StaffRole.SUPPORT)
    viewer = dataclasses.replace(scope, role=StaffRole.VIEWER)

    invitation, secret = await invitations.invite(support, x.id, "new@xenon.example", ContactRole.PAYER)

    assert invitation.token_hash == invitations.hash_secret(secret) and secret not in invitation.token_hash
    with pytest.raises(PermissionDenied):
        await invitations.invite(viewer, x.id, "new2@xenon.example", ContactRole.PAYER)
    with pytest.raises(NotFound):
        await invitations.invite(support, z.id, "new3@xenon.example", ContactRole.PAYER)
