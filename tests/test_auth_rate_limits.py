"""Rate limits on sign-in and credential checks: per client address and tenant, 429 with Retry-After."""

from __future__ import annotations

from app.auth.ratelimit import RateLimiter
from tests.helpers import gql


def test_given_a_window_when_the_limit_is_reached_then_the_wait_is_until_the_oldest_attempt_expires():
    limiter = RateLimiter(limit=2, window_seconds=60)

    assert limiter.hit("1.2.3.4", "northwind", now=100.0) == 0
    assert limiter.hit("1.2.3.4", "northwind", now=110.0) == 0
    assert limiter.hit("1.2.3.4", "northwind", now=120.0) == 40
    assert limiter.hit("1.2.3.4", "cloudly", now=120.0) == 0
    assert limiter.hit("5.6.7.8", "northwind", now=120.0) == 0
    assert limiter.retry_after("1.2.3.4", "northwind", now=161.0) == 0


async def test_given_many_sign_in_starts_from_one_address_then_the_next_is_429_for_that_tenant_only(browser):
    browser.app.state.signin_limiter = RateLimiter(limit=3, window_seconds=60)

    statuses = [(await browser.get("/auth/northwind/staff/login")).status_code for _ in range(4)]
    other_tenant = await browser.get("/auth/cloudly/staff/login")

    assert statuses == [302, 302, 302, 429]
    limited = await browser.get("/auth/northwind/portal/callback?code=x&state=y")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert other_tenant.status_code == 302


async def test_given_repeated_bad_credentials_then_graphql_answers_429_with_retry_after(client):
    statuses = [(await gql(client, "{ viewer { role } }", "lp_wrong-token")).status_code for _ in range(31)]

    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
    last = await gql(client, "{ viewer { role } }", "lp_wrong-token")
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1
    assert last.json()["errors"][0]["extensions"]["code"] == "rate_limited"
