"""API token checks are cached per process, within stated bounds (app/auth/tokens.py, docs/limits.md):

- revoked here: refused at once; revoked by another process: refused from ``CHECK_AGAIN_AFTER`` on;
- expired: refused from its expiry on, cached or not;
- a small query with a cached token sends no SQL at all.

Time is the business clock (``clock.frozen``), never a sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import clock
from app.auth import repository as token_repository
from app.auth import tokens as token_service
from app.auth.tokens import CHECK_AGAIN_AFTER
from tests.helpers import gql, make_token

ROLE = "{ viewer { role } }"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def code(response) -> str | None:
    if response.status_code == 200:
        return None
    return response.json()["errors"][0]["extensions"]["code"]


async def _stored(scope, name: str):
    return next(t for t in await token_service.list_tokens(scope) if t.name == name)


async def test_a_token_revoked_by_another_process_is_refused_once_the_bound_has_passed(client, scope_a):
    with clock.frozen(START):
        token = await make_token("northwind", name="erp")
        assert code(await gql(client, ROLE, token)) is None
        # Another process revokes it: the row changes, this process's cache is not told.
        await token_repository.mark_revoked(scope_a, (await _stored(scope_a, "erp")).id, START)

    with clock.frozen(START + CHECK_AGAIN_AFTER - timedelta(milliseconds=1)):
        still = await gql(client, ROLE, token)
    with clock.frozen(START + CHECK_AGAIN_AFTER):
        refused = await gql(client, ROLE, token)

    assert code(still) is None, "within the stated bound the cached check may still serve"
    assert code(refused) == "token_revoked"


async def test_a_token_revoked_in_this_process_is_refused_at_once(client, scope_a):
    with clock.frozen(START):
        token = await make_token("northwind", name="erp")
        assert code(await gql(client, ROLE, token)) is None

        await token_service.revoke_token(scope_a, "erp")

        assert code(await gql(client, ROLE, token)) == "token_revoked"


async def test_a_cached_token_is_refused_from_its_expiry_on(client, scope_a):
    with clock.frozen(START):
        token = await make_token("northwind", name="short", expires_in_days=1)
        stored = await _stored(scope_a, "short")
        stored.expires_at = START + timedelta(seconds=5)
        await stored.save(update_fields=["expires_at"])
        assert code(await gql(client, ROLE, token)) is None  # checked and cached at START

    with clock.frozen(START + timedelta(seconds=4)):
        before = await gql(client, ROLE, token)
    with clock.frozen(START + timedelta(seconds=5)):
        after = await gql(client, ROLE, token)

    assert code(before) is None
    assert code(after) == "token_expired"


async def test_a_clock_set_back_does_not_stretch_a_cached_check(client, scope_a):
    with clock.frozen(START):
        token = await make_token("northwind", name="erp")
        assert code(await gql(client, ROLE, token)) is None
        await token_repository.mark_revoked(scope_a, (await _stored(scope_a, "erp")).id, START)

    with clock.frozen(START - timedelta(hours=1)):
        assert code(await gql(client, ROLE, token)) == "token_revoked"


async def test_given_a_checked_token_when_asking_viewer_role_then_no_sql_is_sent(client, count_queries):
    with clock.frozen(START):
        token = await make_token("northwind", name="erp")
        assert code(await gql(client, ROLE, token)) is None
        count_queries.reset()

        response = await gql(client, ROLE, token)

    assert response.json() == {"data": {"viewer": {"role": "admin"}}}
    assert count_queries.statements == []


async def test_unknown_tokens_are_not_cached(client):
    with clock.frozen(START):
        cached_before = set(token_service._checked)
        for _ in range(2):
            assert code(await gql(client, ROLE, "lp_" + "x" * 43)) == "invalid_token"

        assert set(token_service._checked) == cached_before
