"""The HTTP edge refuses what is not a request it serves, clearly: a code, a message and the request id.

Every case here was a 500 ("Unexpected error.", request id "-") or was accepted without bound.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.routing import Route

from app.web import body_limits
from tests.helpers import gql, make_token

VIEWER = "{ viewer { role } }"


def refusal(response: httpx.Response) -> dict:
    """The one error of a refused request; it carries the request id of its response header."""
    error = response.json()["errors"][0]
    assert error["extensions"]["request_id"] == response.headers["x-request-id"]
    return error


async def test_given_an_unexpected_error_then_the_500_carries_its_request_id_in_header_and_body(
    settings, registry, tenants
):
    from app.web.app import create_app

    async def boom(request):
        raise RuntimeError("secret detail: tenant 7 row 42")

    app = create_app(settings, registry, manage_database=False)
    app.router.routes.append(Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.get("/boom", headers={"X-Request-ID": "trace-500-abcdef"})

    assert answer.status_code == 500
    assert answer.headers["x-request-id"] == "trace-500-abcdef"
    assert refusal(answer) == {
        "message": "Unexpected error.",
        "extensions": {"code": "internal_error", "request_id": "trace-500-abcdef"},
    }
    assert "secret" not in answer.text


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'"hello"', "invalid_body"),
        (b"null", "invalid_body"),
        (b"[]", "invalid_body"),
        (b"\xff\xfe{}", "invalid_body"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        (b'{"query": ', "invalid_json"),
        (b'{"variables": {}}', "missing_query"),
        (b'{"query": "{ viewer { role } }", "variables": "x"}', "invalid_body"),
        (b'{"query": "{ viewer { role } }", "operationName": 5}', "invalid_body"),
    ],
    ids=[
        "string",
        "null",
        "batch",
        "not-utf8",
        "nested-100000-deep",
        "truncated",
        "no-query",
        "vars",
        "opname",
    ],
)
async def test_given_a_body_that_is_not_a_graphql_request_then_400_with_a_code(client, body, code):
    token = await make_token("northwind")

    answer = await client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert refusal(answer)["extensions"]["code"] == code


async def test_given_a_body_that_is_not_json_then_the_content_type_is_named(client):
    token = await make_token("northwind")

    answer = await client.post(
        "/graphql",
        content=b"query=x",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )

    assert answer.status_code == 400
    assert "application/json" in refusal(answer)["message"]


async def test_given_two_operations_without_an_operation_name_then_none_runs(client):
    token = await make_token("northwind")
    document = "query A { viewer { role } } query B { viewer { tenant { slug } } }"

    unnamed = await gql(client, document, token)
    named = await client.post(
        "/graphql",
        json={"query": document, "operationName": "B"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert unnamed.json()["data"] is None
    assert unnamed.json()["errors"][0]["extensions"]["code"] == "operation_name_required"
    assert named.json() == {"data": {"viewer": {"tenant": {"slug": "northwind"}}}}


async def test_given_a_graphql_body_over_its_bound_then_413_before_it_is_read(client):
    token = await make_token("northwind")
    padding = " " * body_limits.STAFF_GRAPHQL
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    declared = await client.post(
        "/graphql", content=f'{{"query": "{{ viewer {{ role }} }}{padding}"}}', headers=headers
    )

    async def chunks():  # no Content-Length: counted as it arrives
        yield b'{"query": "{ viewer { role } }'
        for _ in range(body_limits.STAFF_GRAPHQL // 65536 + 1):
            yield b" " * 65536
        yield b'"}'

    streamed = await client.post("/graphql", content=chunks(), headers=headers)
    within = await client.post(
        "/graphql", content=f'{{"query": "{{ viewer {{ role }} }}{padding[:100_000]}"}}', headers=headers
    )

    for answer in (declared, streamed):
        assert answer.status_code == 413
        error = refusal(answer)
        assert error["extensions"]["code"] == "body_too_large"
        assert f"{body_limits.STAFF_GRAPHQL:,} bytes" in error["message"]
    assert within.json() == {"data": {"viewer": {"role": "admin"}}}


async def test_given_form_posts_and_webhooks_then_each_route_has_its_own_bound(client, registry):
    big_form = {"csrf_token": "x", "padding": "p" * body_limits.DEFAULT}
    upload_bound = body_limits.upload_form(registry)

    form = await client.post("/auth/logout?audience=portal", data=big_form)
    webhook = await client.post(
        "/webhooks/stripe/northwind", content=b"{" + b" " * body_limits.STRIPE_WEBHOOK + b"}"
    )
    small_upload = await client.post("/portal/accounts/x/support/new", content=b"x" * (upload_bound // 2))
    large_upload = await client.post("/portal/accounts/x/support/new", content=b"x" * (upload_bound + 1))

    assert form.status_code == 413 and refusal(form)["extensions"]["code"] == "body_too_large"
    assert webhook.status_code == 413
    assert small_upload.status_code != 413  # within the tenants' attachment allowance: on to sign-in
    assert large_upload.status_code == 413
    assert upload_bound >= 3 * 5 * 1024 * 1024  # three files of 5 MB, the default tenant allowance


async def test_given_an_unknown_path_then_the_404_is_json_with_a_request_id(client):
    answer = await client.get("/no/such/page")

    assert answer.status_code == 404
    assert refusal(answer)["extensions"]["code"] == "not_found"
