"""The staff GraphQL endpoint: authenticate first, then run the schema with a typed context.

No request reaches the schema without a credential: a missing, wrong, revoked or expired token is a 401
with a clear message, never a partial answer. The GraphiQL page itself (an HTML shell with no data) is
served to browsers outside production so people can paste a token into it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from app.auth import tokens
from app.auth.access import apply_access_rules
from app.errors import AuthenticationError
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from schema.context import Context


def unauthorized(message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="ledgerport"'},
    )


async def bearer_scope(request: Request):
    header = request.headers.get("authorization", "")
    if not header:
        raise AuthenticationError(
            "Missing credentials: send an API token as `Authorization: Bearer <token>`.",
            code="unauthenticated",
        )
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise AuthenticationError(
            "Malformed Authorization header: expected `Bearer <token>`.", code="invalid_token"
        )
    return await tokens.authenticate(secret.strip())


async def staff_scope(request: Request, tenants: TenantRegistry):
    """The caller's scope from its bearer token, narrowed by its tenant's access rules."""
    caller = await bearer_scope(request)
    return apply_access_rules(caller, tenants.require(caller.tenant_slug).config)


class StaffGraphQL(GraphQL):
    def __init__(self, schema, *, settings: Settings, tenants: TenantRegistry) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if settings.graphiql else None, allow_queries_via_get=False
        )
        self.settings = settings
        self.tenants = tenants

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no subscriptions on the staff API
            await JSONResponse({"error": "not supported"}, status_code=400)(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "GET" and self.graphql_ide and "text/html" in request.headers.get("accept", ""):
            await super().__call__(scope, receive, send)
            return
        try:
            request.state.scope = await staff_scope(request, self.tenants)
        except AuthenticationError as exc:
            await unauthorized(exc.message, exc.code)(scope, receive, send)
            return
        scope.setdefault("state", {})["scope"] = request.state.scope
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(
            request=request,
            response=response,
            scope=request.state.scope,
            settings=self.settings,
            tenants=self.tenants,
        )
