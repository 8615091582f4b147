"""Bearer JWTs from a tenant's own provider on /graphql: signature, issuer, audience, expiry, key rotation."""

from __future__ import annotations

import time

import pytest

from app.auth import members, oidc
from app.errors import AuthenticationError
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests.helpers import gql
from tests.signin_flow import person, provider_id_token, sign_in

VIEWER = "{ viewer { tenant { slug } role principal } }"


async def linked(browser, providers, email: str = "dana@northwind.example") -> str:
    """An invited staff member who signed in once in a browser (which links their subject)."""
    await members.invite_staff(await system_scope("northwind"), email, StaffRole.CREDIT)
    sub = await person(providers["a"], email)
    assert (await sign_in(browser, "/auth/northwind/staff/login", sub)).status_code == 303
    browser.cookies.clear()
    return sub


def code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


async def test_given_a_token_from_the_tenants_provider_then_graphql_answers_for_the_linked_member(
    browser, providers
):
    sub = await linked(browser, providers)
    token = await provider_id_token(providers["a"], "northwind-staff", sub)

    answer = await gql(browser, VIEWER, token)

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["viewer"] == {
        "tenant": {"slug": "northwind"},
        "role": "credit",
        "principal": "dana@northwind.example",
    }


async def test_given_a_token_for_another_client_then_it_is_refused_for_wrong_audience(browser, providers):
    sub = await linked(browser, providers)
    token = await provider_id_token(providers["a"], "some-other-app", sub)

    answer = await gql(browser, VIEWER, token)

    assert answer.status_code == 401 and code(answer) == "wrong_issuer"
    assert "not for any one tenant" in answer.json()["errors"][0]["message"]
    pinned = await browser.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {token}", "Host": "northwind.localhost"},
    )
    assert pinned.status_code == 401 and code(pinned) == "wrong_audience"


async def test_given_a_token_from_tenant_b_provider_at_tenant_a_then_it_is_refused(browser, providers):
    sub = await linked(browser, providers)
    token_b = await provider_id_token(providers["b"], "northwind-staff", sub)

    answer = await browser.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {token_b}", "Host": "northwind.localhost"},
    )
    unpinned = await gql(browser, VIEWER, token_b)

    assert answer.status_code == 401 and code(answer) == "wrong_issuer"
    assert unpinned.status_code == 401 and code(unpinned) == "wrong_issuer"


async def test_given_an_expired_token_then_it_is_refused(browser, providers, auth_registry):
    sub = await linked(browser, providers)
    token = await provider_id_token(providers["a"], "northwind-staff", sub)
    cache = oidc.ProviderCache()

    with pytest.raises(AuthenticationError) as refused:
        await oidc.verify_jwt(
            cache, token, issuer=providers["a"], audience="northwind-staff", now=time.time() + 2 * 3600
        )

    assert refused.value.code == "token_expired"
    expired = await provider_id_token(providers["expired"], "northwind-staff", sub)
    with pytest.raises(AuthenticationError) as refused_too:
        await oidc.verify_jwt(cache, expired, issuer=providers["expired"], audience="northwind-staff")
    assert refused_too.value.code == "token_expired"


async def test_given_a_tampered_signature_then_it_is_refused(browser, providers):
    sub = await linked(browser, providers)
    header, payload, signature = (await provider_id_token(providers["a"], "northwind-staff", sub)).split(".")
    forged = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])

    answer = await gql(browser, VIEWER, forged)

    assert answer.status_code == 401 and code(answer) == "invalid_token"


async def test_given_an_unlinked_identity_then_a_valid_token_is_still_refused(browser, providers):
    sub = await person(providers["a"], "nobody@northwind.example")
    token = await provider_id_token(providers["a"], "northwind-staff", sub)

    answer = await gql(browser, VIEWER, token)

    assert answer.status_code == 401 and code(answer) == "not_invited"


async def test_given_the_provider_rotated_its_keys_then_an_unknown_key_id_refetches_the_jwks(providers):
    sub = await person(providers["a"], "rota@northwind.example")
    token = await provider_id_token(providers["a"], "northwind-staff", sub)
    cache = oidc.ProviderCache()
    # The cache holds the keys it saw before the rotation (here: another provider's keys).
    await cache.keys(providers["b"], None)
    cached_a = await cache._provider(providers["a"])
    cached_a.keys = (await cache._provider(providers["b"])).keys
    cached_a.keys_fetched_at = time.monotonic() - oidc.JWKS_REFETCH_SECONDS - 1

    claims = await oidc.verify_jwt(cache, token, issuer=providers["a"], audience="northwind-staff")

    assert claims["sub"] == sub


async def test_given_an_id_token_issued_to_another_client_then_the_sign_in_check_refuses_its_audience(
    providers,
):
    sub = await person(providers["a"], "aud@northwind.example")
    token = await provider_id_token(providers["a"], "some-other-app", sub, nonce="n-aud")

    with pytest.raises(AuthenticationError) as refused:
        await oidc.verify_jwt(
            oidc.ProviderCache(), token, issuer=providers["a"], audience="northwind-staff", nonce="n-aud"
        )

    assert refused.value.code == "wrong_audience"
    assert "not for this application (northwind-staff)" in refused.value.message
