"""How the server serves the console: sign-in first and back to the page asked for, the app's shell for
every console path, its hashed assets by name only, its CSP; and the viewer fields the console reads."""

from __future__ import annotations

from urllib.parse import unquote

from app.auth import members
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from app.web import console
from tests.helpers import gql, make_token
from tests.signin_flow import graphql, person, sign_in

VIEWER = "{ viewer { memberId principal tenant { slug locale today baseCurrency } } }"
STAFF = "{ staffMembers { email role linked } }"


async def test_a_browser_without_a_session_is_sent_to_sign_in_and_back_to_the_page_it_asked_for(browser):
    asked = await browser.get("/console/customers?orderBy=OVERDUE")
    chooser = await browser.get(asked.headers["location"])
    picked = await browser.get("/console/sign-in?tenant=northwind&next=/console/alerts")
    crafted = await browser.get("/console/sign-in?tenant=northwind&next=//evil.example/")

    assert asked.status_code == 303
    assert unquote(asked.headers["location"]) == "/console/sign-in?next=/console/customers?orderBy=OVERDUE"
    assert (
        chooser.status_code == 200
        and "Northwind Components Ltd" in chooser.text
        and "Cloudly" in chooser.text
    )
    assert "/auth/northwind/staff/login?next=/console/customers%3ForderBy%3DOVERDUE" in chooser.text
    assert picked.headers["location"] == "/auth/northwind/staff/login?next=/console/alerts"
    assert crafted.headers["location"] == "/auth/northwind/staff/login?next=/console/"


async def test_after_signing_in_staff_land_on_that_page_and_get_the_app_with_its_security_headers(
    browser, providers
):
    await members.invite_staff(await system_scope("northwind"), "fin@northwind.example", StaffRole.FINANCE)
    sub = await person(providers["a"], "fin@northwind.example")

    answer = await sign_in(browser, "/auth/northwind/staff/login?next=/console/alerts?status=OPEN", sub)
    landed = await browser.get(answer.headers["location"])
    shell = await browser.get(landed.headers["location"])
    again = await browser.get("/console/sign-in?next=/console/disputes")

    assert unquote(landed.headers["location"]) == "/console/alerts?status=OPEN"
    assert shell.status_code == 200 and '<div id="app">' in shell.text and "/console/assets/" in shell.text
    assert "script-src 'self'" in shell.headers["content-security-policy"]
    assert shell.headers["cache-control"] == "no-store"
    # An expired session's cookie still names its tenant: signing in again needs no choice.
    assert again.headers["location"] == "/auth/northwind/staff/login?next=/console/disputes"


async def test_assets_are_served_by_name_only_and_a_missing_build_is_explained(client, tmp_path):
    names = [p.name for p in (console.DIST / "assets").glob("*.js")] if console.DIST.is_dir() else []
    escape = await client.get("/console/assets/..%2F..%2Fpyproject.toml")
    hidden = await client.get("/console/assets/.vite")

    if names:
        served = await client.get(f"/console/assets/{names[0]}")
        assert served.status_code == 200 and "immutable" in served.headers["cache-control"]
    # A slash in the name is not an asset: the app's catch-all sends a browser without a session to sign in.
    assert escape.status_code in (303, 404) and "[build-system]" not in escape.text
    assert hidden.status_code == 404
    missing = console.index_page(tmp_path)
    assert missing.status_code == 503 and b"make demo" in missing.body


async def test_the_viewer_tells_the_console_its_locale_today_and_member_and_admins_list_their_staff_only(
    browser, client, providers
):
    await members.invite_staff(await system_scope("northwind"), "ada@northwind.example", StaffRole.ADMIN)
    await members.invite_staff(await system_scope("cloudly"), "carl@cloudly.example", StaffRole.ADMIN)
    await sign_in(
        browser, "/auth/northwind/staff/login", await person(providers["a"], "ada@northwind.example")
    )
    cloudly = await make_token("cloudly", StaffRole.ADMIN)
    viewer_token = await make_token("northwind", StaffRole.VIEWER)

    me = (await graphql(browser, "/graphql", VIEWER, "staff")).json()["data"]["viewer"]
    staff = (await graphql(browser, "/graphql", STAFF, "staff")).json()["data"]["staffMembers"]
    theirs = (await gql(client, STAFF, cloudly)).json()["data"]["staffMembers"]
    refused = (await gql(client, STAFF, viewer_token)).json()
    by_token = (await gql(client, VIEWER, cloudly)).json()["data"]["viewer"]

    assert me["tenant"]["locale"] == "en_US" and me["tenant"]["baseCurrency"] == "USD"
    assert len(me["tenant"]["today"]) == 10 and me["memberId"]
    assert by_token["memberId"] is None and by_token["tenant"]["locale"] == "de_DE"
    assert staff == [{"email": "ada@northwind.example", "role": "ADMIN", "linked": True}]
    assert theirs == [{"email": "carl@cloudly.example", "role": "ADMIN", "linked": False}]
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
