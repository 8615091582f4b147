"""Staff API tokens: only a hash is stored, every bad credential is a clear 401 with no data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.auth import repository as token_repository
from app.auth import tokens as token_service
from app.models.enums import StaffRole
from tests.helpers import gql, make_token

VIEWER = "{ viewer { tenant { slug name baseCurrency } role } }"


async def test_given_a_token_when_querying_viewer_then_it_names_its_tenant_and_role(client):
    token = await make_token("northwind", StaffRole.FINANCE)

    response = await gql(client, VIEWER, token)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "viewer": {
                "tenant": {"slug": "northwind", "name": "Northwind Components Ltd", "baseCurrency": "USD"},
                "role": "finance",
            }
        }
    }


async def test_each_tenants_token_sees_only_its_own_tenant(client):
    token_a = await make_token("northwind")
    token_b = await make_token("cloudly")

    a = (await gql(client, VIEWER, token_a)).json()["data"]["viewer"]["tenant"]["slug"]
    b = (await gql(client, VIEWER, token_b)).json()["data"]["viewer"]["tenant"]["slug"]

    assert (a, b) == ("northwind", "cloudly")


async def test_only_a_hash_of_the_token_is_stored_and_creation_is_audited(scope_a):
    from app.audit import service as audit

    token, secret = await token_service.create_token(scope_a, name="erp-sync", role=StaffRole.FINANCE)

    assert secret.startswith("lp_") and len(secret) > 40
    assert token.token_hash == token_service.hash_token(secret) and secret not in token.token_hash
    assert (await token_repository.find_by_hash(token_service.hash_token(secret))).id == token.id
    events = await audit.recent(scope_a, action="token.created")
    assert [(e.target_id, e.details["name"], e.details["role"]) for e in events] == [
        (str(token.id), "erp-sync", "finance")
    ]


async def test_missing_header_is_401_with_a_message_and_no_data(client):
    response = await gql(client, VIEWER, None)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "unauthenticated"
    assert "Authorization: Bearer" in body["errors"][0]["message"]


async def test_wrong_token_is_401(client):
    await make_token("northwind")

    response = await gql(client, VIEWER, "lp_not-a-real-token-at-all-000000000000000000")

    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "message": "Invalid API token",
        "extensions": {"code": "invalid_token", "request_id": response.headers["x-request-id"]},
    }


async def test_malformed_authorization_header_is_401(client):
    response = await client.post("/graphql", json={"query": VIEWER}, headers={"Authorization": "Basic abc"})

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "invalid_token"


async def test_revoked_token_is_401(client, scope_a):
    token = await make_token("northwind", name="old")
    assert (await gql(client, VIEWER, token)).status_code == 200

    await token_service.revoke_token(scope_a, "old")
    response = await gql(client, VIEWER, token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "token_revoked"


async def test_expired_token_is_401(client, scope_a):
    token = await make_token("northwind", name="short", expires_in_days=1)
    stored = await token_service.list_tokens(scope_a)
    await token_repository.touch(stored[0].tenant_id, stored[0].id, datetime.now(UTC))
    # Move the expiry into the past, as if a day had gone by.
    stored[0].expires_at = datetime.now(UTC) - timedelta(seconds=1)
    await stored[0].save(update_fields=["expires_at"])

    response = await gql(client, VIEWER, token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "token_expired"


async def test_duplicate_token_name_is_refused(scope_a):
    import pytest

    from app.errors import Conflict

    await token_service.create_token(scope_a, name="dup", role=StaffRole.VIEWER)
    with pytest.raises(Conflict, match="already exists"):
        await token_service.create_token(scope_a, name="dup", role=StaffRole.VIEWER)


async def test_only_admins_manage_tokens(scope_a):
    import dataclasses

    import pytest

    from app.errors import PermissionDenied

    finance = dataclasses.replace(scope_a, role=StaffRole.FINANCE)
    with pytest.raises(PermissionDenied):
        await token_service.create_token(finance, name="x", role=StaffRole.ADMIN)
