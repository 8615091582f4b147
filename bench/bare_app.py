"""The yardstick of bench/overhead.py: a bare Strawberry app on Starlette answering ``{ viewer { role } }``.

No credential, no database, no middleware, no extensions: what the same query costs in the same
libraries with nothing of ours around it. ``uvicorn --factory bench.bare_app:create_app``.

``create_cached_app`` is the same with Strawberry's own ``ParserCache`` and ``ValidationCache``: a
bare app tuned the way ours is (schema/guard.py remembers valid documents), so the comparison with
it shows what our own per-request work (credential, middleware, logs, limits) costs.
"""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache


@strawberry.type
class Viewer:
    role: str


@strawberry.type
class Query:
    @strawberry.field
    async def viewer(self) -> Viewer:
        return Viewer(role="admin")


def _app(schema: strawberry.Schema) -> Starlette:
    graphql = GraphQL(schema, graphql_ide=None, allow_queries_via_get=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def create_app() -> Starlette:
    return _app(strawberry.Schema(query=Query))


def create_cached_app() -> Starlette:
    return _app(
        strawberry.Schema(query=Query, extensions=[ParserCache(maxsize=512), ValidationCache(maxsize=512)])
    )
