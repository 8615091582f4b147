"""The demo's sign-in: demo secrets only where unset, invited demo people, and a provider they can use."""

from __future__ import annotations

from app.auth.repositories import identities
from app.demo.signin import UNINVITED, invite_demo_people, set_demo_secrets, start_demo_provider
from tests.oidc_fixtures import browser_for, tenants_dir
from tests.signin_flow import graphql, sign_in


def test_given_some_secrets_set_when_preparing_the_demo_then_only_the_missing_ones_are_filled(
    registry, monkeypatch
):
    monkeypatch.setenv("NORTHWIND_STAFF_OIDC_SECRET", "operator-set")
    for name in ("NORTHWIND_PORTAL_OIDC_SECRET", "CLOUDLY_STAFF_OIDC_SECRET", "CLOUDLY_PORTAL_OIDC_SECRET"):
        monkeypatch.delenv(name, raising=False)

    named = set_demo_secrets(registry)

    import os

    assert sorted(named) == [
        "CLOUDLY_PORTAL_OIDC_SECRET",
        "CLOUDLY_STAFF_OIDC_SECRET",
        "NORTHWIND_PORTAL_OIDC_SECRET",
    ]
    assert os.environ["NORTHWIND_STAFF_OIDC_SECRET"] == "operator-set"


async def test_given_the_demo_people_then_each_tenant_has_its_own_and_preparing_twice_changes_nothing(
    registry, tenants
):
    people = await invite_demo_people(registry)
    again = await invite_demo_people(registry)

    assert people == again
    by_tenant = {p.tenant for p in people}
    assert by_tenant == {"northwind", "cloudly"}
    for person in people:
        tenant_id = tenants[person.tenant]
        if person.audience == "staff":
            assert (await identities.membership_by_email(tenant_id, person.email)) is not None
        else:
            assert (await identities.contact_by_email(tenant_id, person.email)) is not None
        other = tenants["cloudly" if person.tenant == "northwind" else "northwind"]
        assert await identities.contact_by_email(other, person.email) is None


async def test_given_the_demo_provider_then_a_demo_admin_signs_in_and_a_stranger_is_refused(
    settings, registry, tenants, oidc_secrets, tmp_path
):
    from app.tenancy.registry import TenantRegistry
    from app.web.app import create_app

    people = await invite_demo_people(registry)
    server = start_demo_provider(people, port=0)
    try:
        issuer = f"http://127.0.0.1:{server.server_port}"
        demo = TenantRegistry.load(tenants_dir(tmp_path / "t", {"northwind": issuer, "cloudly": issuer}))
        admin = next(p for p in people if p.tenant == "northwind" and p.role == "admin")
        async with browser_for(create_app(settings, demo, manage_database=False)) as browser:
            assert (await sign_in(browser, "/auth/northwind/staff/login", admin.email)).status_code == 303
            viewer = await graphql(browser, "/graphql", "{ viewer { role } }", "staff")
            assert viewer.json()["data"]["viewer"]["role"] == "admin"
        async with browser_for(create_app(settings, demo, manage_database=False)) as browser:
            refused = await sign_in(browser, "/auth/northwind/staff/login", UNINVITED)
            assert refused.status_code == 403 and "not invited" in refused.text
    finally:
        server.shutdown()
        server.server_close()
