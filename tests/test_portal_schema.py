"""The portal schema is its own: its committed SDL matches the code and it cannot name staff fields."""

from __future__ import annotations

from schema.sdl import current_sdl
from tests.conftest import ROOT


def test_the_committed_portal_sdl_matches_the_code():
    committed = (ROOT / "schema" / "portal.graphql").read_text(encoding="utf-8")

    assert committed == current_sdl()["portal.graphql"], "run `ledgerport schema export`"


def test_the_portal_schema_has_no_staff_field():
    portal = current_sdl()["portal.graphql"]

    for staff_only in ("viewer", "signInSessions", "revokeSession", "inviteStaff", "changeStaffRole"):
        assert f"{staff_only}(" not in portal and f"{staff_only}:" not in portal


async def test_given_no_portal_session_then_portal_graphql_is_401_even_with_a_staff_token(client):
    from app.models.enums import StaffRole
    from tests.helpers import gql, make_token

    token = await make_token("northwind", StaffRole.ADMIN)

    answer = await gql(client, "{ me { contact { email } } }", token, path="/portal/graphql")

    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "unauthenticated"
