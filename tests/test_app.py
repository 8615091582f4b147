"""The server's faces: health, GraphiQL outside production only, request ids, masked errors."""

from __future__ import annotations

import gc
import logging

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from app.errors import NotFound
from app.settings import Environment
from schema.errors import LedgerportMaskErrors, LedgerportSchema
from tests.helpers import gql, make_token, production_settings


async def test_healthz_reports_the_database_ready(client):
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_every_response_carries_a_request_id(client):
    generated = await client.get("/healthz")
    echoed = await client.get("/healthz", headers={"X-Request-ID": "req-12345678"})

    assert len(generated.headers["x-request-id"]) == 32
    assert echoed.headers["x-request-id"] == "req-12345678"


async def test_graphiql_page_is_served_to_browsers_in_development(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_production_serves_no_graphiql_and_no_introspection(settings, registry, tenants):
    from app.web.app import create_app

    production = production_settings(settings)
    app = create_app(production, registry, manage_database=False)
    token = await make_token("northwind")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        introspection = await gql(http, "{ __schema { types { name } } }", token)
        viewer = await gql(http, "{ viewer { role } }", token)

    assert page.status_code == 401  # no IDE shell: a GET is just an unauthenticated API call
    assert "introspection" in introspection.json()["errors"][0]["message"].lower()
    assert viewer.json() == {"data": {"viewer": {"role": "admin"}}}


async def test_query_depth_and_unknown_fields_are_rejected_with_a_message(client):
    token = await make_token("northwind")

    response = await gql(client, "{ viewer { nope } }", token)

    assert response.json()["errors"][0]["message"].startswith("Cannot query field 'nope' on type 'Viewer'.")


async def test_a_clients_bad_query_is_not_logged_as_an_error_by_either_schema(client, caplog):
    from schema.portal import schema as portal
    from schema.staff import schema as staff

    caplog.set_level(logging.INFO)
    token = await make_token("northwind")

    await gql(client, "{ viewer { nope } }", token)

    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert any(
        r.getMessage().startswith("GraphQL request refused (invalid): Cannot query field 'nope'")
        for r in caplog.records
    )
    assert isinstance(staff.build_schema(), LedgerportSchema)
    assert isinstance(portal.build_schema(), LedgerportSchema)


@strawberry.type
class _Query:
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("secret detail: tenant 7 row 42")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("no such invoice")


@pytest.fixture
async def tiny_client():
    """A tiny app with only the masking extension, as Starlette's docs test middleware."""
    from strawberry.asgi import GraphQL

    schema = LedgerportSchema(query=_Query, extensions=[LedgerportMaskErrors])
    app = Starlette(routes=[Route("/graphql", GraphQL(schema))])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        yield http


async def test_unexpected_errors_are_masked_and_expected_ones_keep_their_code(tiny_client):
    boom = (await tiny_client.post("/graphql", json={"query": "{ boom }"})).json()
    missing = (await tiny_client.post("/graphql", json={"query": "{ missing }"})).json()

    assert boom["errors"][0]["message"] == "Unexpected error."
    assert "secret" not in str(boom)
    assert missing["errors"][0]["message"] == "no such invoice"
    assert missing["errors"][0]["extensions"] == {"code": "not_found"}


async def test_a_refusal_is_one_info_line_and_only_an_unexpected_error_is_an_error_with_its_traceback(
    tiny_client, caplog
):
    caplog.set_level(logging.INFO)
    await tiny_client.post("/graphql", json={"query": "{ missing }"})
    await tiny_client.post("/graphql", json={"query": "{ nope }"})

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    refused = [r.getMessage() for r in caplog.records if r.name == "ledgerport.graphql"]
    assert refused == [
        "GraphQL request refused (not_found): no such invoice",
        "GraphQL request refused (invalid): Cannot query field 'nope' on type 'Query'.",
    ]
    assert all(r.exc_info is None for r in caplog.records)

    caplog.clear()
    await tiny_client.post("/graphql", json={"query": "{ boom }"})

    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in errors] == [("ledgerport.graphql", "ERROR")]
    assert isinstance(errors[0].exc_info[1], RuntimeError)


async def test_settings_fixture_is_not_production(settings):
    assert settings.env is Environment.TEST and not settings.is_production


async def test_logs_are_json_lines_carrying_the_request_id(client):
    import io
    import json
    import logging

    from app.web.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ledgerport.http")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        await client.get("/healthz", headers={"X-Request-ID": "trace-abcdef12"})
    finally:
        logger.removeHandler(handler)

    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["request_id"] == "trace-abcdef12"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)


async def app_get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        return await http.get(path)


async def test_start_up_takes_its_long_lived_objects_out_of_full_garbage_collections(settings, registry):
    """A full collection walked every object the server built at start-up, ~100 ms every ten or so
    dashboard requests; after start-up they are frozen, so a full collection sees only request garbage."""
    from app.web.app import create_app

    gc.unfreeze()  # whatever an earlier test froze
    app = create_app(settings, registry, manage_database=False)
    try:
        async with app.router.lifespan_context(app):
            frozen, tracked = gc.get_freeze_count(), len(gc.get_objects())
            healthy = await app_get(app, "/healthz")

        assert frozen > tracked  # most of the heap is out of the scan; what is left is scanned as before
        assert healthy.status_code == 200  # frozen objects are still alive and in use
    finally:
        gc.unfreeze()
