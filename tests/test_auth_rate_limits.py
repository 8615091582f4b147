"""Rate limits on sign-in and credential checks, 429 with Retry-After.

Failed credentials are counted per credential and address: the same dead token or cookie sent again
and again is refused, while every other credential from that address, above all a valid one, is still
served (an office behind one NAT is not locked out by one stale tab).
"""

from __future__ import annotations

import time

from app.auth.ratelimit import RateLimiter
from tests.helpers import gql, make_token
from tests.portal_data import world
from tests.signin_flow import graphql, person, sign_in

VIEWER = "{ viewer { role } }"


async def test_given_a_window_when_the_limit_is_reached_then_the_wait_is_until_the_oldest_attempt_expires(
    monkeypatch,
):
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the ``limits`` library's clock
    limiter = RateLimiter(limit=2, window_seconds=60)

    assert await limiter.hit("1.2.3.4", "northwind") == 0
    now[0] += 10
    assert await limiter.hit("1.2.3.4", "northwind") == 0
    now[0] += 10
    assert await limiter.retry_after("1.2.3.4", "northwind") == 40  # without counting an attempt
    assert await limiter.hit("1.2.3.4", "northwind") == 40
    assert await limiter.hit("1.2.3.4", "cloudly") == 0
    assert await limiter.hit("5.6.7.8", "northwind") == 0
    now[0] += 41
    assert await limiter.retry_after("1.2.3.4", "northwind") == 0


async def test_given_many_sign_in_starts_from_one_address_then_the_next_is_429_for_that_tenant_only(browser):
    browser.app.state.signin_limiter = RateLimiter(limit=3, window_seconds=60)

    statuses = [(await browser.get("/auth/northwind/staff/login")).status_code for _ in range(4)]
    other_tenant = await browser.get("/auth/cloudly/staff/login")

    assert statuses == [302, 302, 302, 429]
    limited = await browser.get("/auth/northwind/portal/callback?code=x&state=y")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert other_tenant.status_code == 302


async def test_given_repeated_bad_credentials_then_graphql_answers_429_with_retry_after(client):
    statuses = [(await gql(client, VIEWER, "lp_wrong-token")).status_code for _ in range(31)]

    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
    last = await gql(client, VIEWER, "lp_wrong-token")
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1
    assert last.json()["errors"][0]["extensions"]["code"] == "rate_limited"
    assert last.json()["errors"][0]["extensions"]["request_id"] == last.headers["x-request-id"]


async def test_given_a_stale_token_refused_from_an_address_then_valid_and_other_tokens_from_it_are_checked(
    client,
):
    """One address (the test client's) for all of them: the office behind one NAT."""
    valid = await make_token("northwind")
    other_tenant = await make_token("cloudly")
    for _ in range(31):
        await gql(client, VIEWER, "lp_stale-token")

    stale = await gql(client, VIEWER, "lp_stale-token")
    served = [await gql(client, VIEWER, token) for token in (valid, other_tenant)]
    another_wrong = await gql(client, VIEWER, "lp_another-wrong-token")

    assert stale.status_code == 429
    assert [r.json() for r in served] == [{"data": {"viewer": {"role": "admin"}}}] * 2
    assert another_wrong.status_code == 401  # checked, not refused for what another credential did


async def test_given_a_stale_portal_cookie_behind_an_office_nat_then_a_signed_in_colleague_is_served(
    browser, providers
):
    await world()
    stale = {"Cookie": "lp_portal=stale-session-from-an-old-tab", "X-CSRF-Token": "x"}
    refused = [
        (
            await browser.post(
                "/portal/graphql", json={"query": "{ me { contact { email } } }"}, headers=stale
            )
        ).status_code
        for _ in range(31)
    ]
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )

    answers = [
        await graphql(browser, "/portal/graphql", "{ me { contact { email } } }", "portal") for _ in range(5)
    ]

    assert refused[:30] == [401] * 30 and refused[30] == 429
    assert [a.status_code for a in answers] == [200] * 5
    assert answers[0].json()["data"]["me"]["contact"]["email"] == "carla@xenon.example"
