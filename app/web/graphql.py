"""The GraphQL endpoints: authenticate first, then run the schema with a typed context.

No request reaches a schema without a credential: a missing, wrong, revoked or expired one is a 401 with
a clear message, never a partial answer. ``/graphql`` (staff) takes bearer credentials or the staff
session cookie; ``/portal/graphql`` (contacts) takes only the portal session cookie, and serves a
separate schema, so a contact cannot even name a staff field. The same failed credential sent again and
again from one address is answered with 429 once past its allowance (other credentials from that address
are still checked, and a valid credential never consults the limiter).
A body that is not a GraphQL request is a 400 with a code (``app.web.graphql_body``). The GraphiQL page itself (an HTML shell with no data, its scripts served by this server) is served
to browsers outside production.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from app.auth.oidc import ProviderCache
from app.auth.ratelimit import RateLimiter
from app.errors import AuthenticationError
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from app.web import assets, credentials, graphql_body
from app.web.errors import error_response, http_error_response
from schema.context import Context


def unauthorized(message: str, code: str) -> JSONResponse:
    return error_response(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="ledgerport"'})


def too_many(retry_after: int) -> JSONResponse:
    return error_response(
        429,
        "rate_limited",
        f"Too many failed attempts with this credential from your address; try again in {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


class _AuthenticatedGraphQL(GraphQL):
    def __init__(
        self,
        schema,
        *,
        settings: Settings,
        tenants: TenantRegistry,
        providers: ProviderCache,
        failures: RateLimiter,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if settings.graphiql else None, allow_queries_via_get=False
        )
        self.settings = settings
        self.tenants = tenants
        self.providers = providers
        self.failures = failures

    async def authenticate(self, request: Request):
        raise NotImplementedError

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page, whose scripts this server serves (app.web.assets), not Strawberry's CDN one."""
        return assets.graphiql_page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no subscriptions
            await JSONResponse({"error": "not supported"}, status_code=400)(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "GET" and self.graphql_ide and "text/html" in request.headers.get("accept", ""):
            await super().__call__(scope, receive, send)
            return
        try:
            request.state.scope = await self.authenticate(request)
        except AuthenticationError as exc:
            # Counted only when refused: a valid credential costs the (shared, possibly remote) limiter
            # nothing, and the same refused one past its allowance is answered 429 instead of 401.
            key = (request.url.path, client_ip(request), credentials.fingerprint(request))
            wait = await self.failures.hit(*key)
            if wait:
                await too_many(wait)(scope, receive, send)
            else:
                await unauthorized(exc.message, exc.code)(scope, receive, send)
            return
        scope.setdefault("state", {})["scope"] = request.state.scope
        await self._serve(request, scope, receive, send)

    async def _serve(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's own ``__call__`` for HTTP, with its refusals answered as JSON with a code."""
        try:
            response = await self.run(request)
        except graphql_body.BadRequest as exc:
            response = error_response(400, exc.code, exc.message)
        except HTTPException as exc:
            response = http_error_response(exc)
        await response(scope, receive, send)

    async def parse_http_body(self, request_adapter) -> GraphQLRequestData:
        if request_adapter.method != "POST":
            return await super().parse_http_body(request_adapter)
        return graphql_body.parse(await request_adapter.get_body(), request_adapter.content_type)

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(
            request=request,
            response=response,
            # Absent only while rendering the GraphiQL shell, which runs no resolver.
            scope=getattr(request.state, "scope", None),
            settings=self.settings,
            tenants=self.tenants,
        )


class StaffGraphQL(_AuthenticatedGraphQL):
    async def authenticate(self, request: Request):
        return await credentials.staff_scope(request, self.settings, self.tenants, self.providers)


class PortalGraphQL(_AuthenticatedGraphQL):
    async def authenticate(self, request: Request):
        if credentials.has_session_cookie(request, "portal"):
            return await credentials.cookie_scope(request, self.settings, self.tenants, "portal")
        raise AuthenticationError(
            "Not signed in: sign in to the portal at /auth/<tenant>/portal/login.", code="unauthenticated"
        )
