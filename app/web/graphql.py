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

import contextlib
from datetime import timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from app.auth.oidc import ProviderCache
from app.auth.ratelimit import RateLimiter
from app.errors import AuthenticationError
from app.realtime.hub import HUB, TOO_MANY_CONNECTIONS
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from app.web import assets, credentials, graphql_body
from app.web import realtime as ws_credentials
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


#: Close codes of a refused ``connection_init`` (docs/realtime.md); Strawberry's own is 4403 for all.
UNAUTHENTICATED = 4401
RATE_LIMITED = 4429


class _ClosingAdapter(ASGIWebSocketAdapter):
    """Strawberry's WebSocket adapter, closing with our code when we refused ``connection_init`` for a
    reason of ours, and quiet about a socket already closed (a slow subscriber we dropped)."""

    async def close(self, code: int, reason: str) -> None:
        code, reason = self.ws.scope.get("state", {}).get("close_with", (code, reason))
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            return
        with contextlib.suppress(RuntimeError):
            await self.ws.close(code=code, reason=reason)

    async def send_json(self, message) -> None:
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            raise WebSocketDisconnected()
        try:
            await super().send_json(message)
        except RuntimeError as exc:  # closed by us between the check and the send
            raise WebSocketDisconnected() from exc


class _AuthenticatedGraphQL(GraphQL):
    websocket_adapter_class = _ClosingAdapter

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
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.realtime_subscriptions_per_connection,
            connection_init_wait_timeout=timedelta(seconds=10),
        )
        self.settings = settings
        self.tenants = tenants
        self.providers = providers
        self.failures = failures

    async def authenticate(self, request: Request):
        raise NotImplementedError

    async def authenticate_socket(self, websocket: WebSocket, params: dict):
        raise NotImplementedError

    async def on_ws_connect(self, context: Context):
        """``connection_init``: the credential checked as for a query, then the per-principal limit."""
        websocket: WebSocket = context.request
        state = websocket.scope.setdefault("state", {})
        params = context.connection_params or {}
        try:
            scope = await self.authenticate_socket(websocket, params)
        except AuthenticationError as exc:
            key = (websocket.url.path, client_ip(websocket), ws_credentials.fingerprint(websocket, params))
            wait = await self.failures.hit(*key)
            state["close_with"] = (
                (RATE_LIMITED, f"Too many failed attempts; try again in {wait} s")
                if wait
                else (UNAUTHENTICATED, f"{exc.code}: {exc.message}"[:120])
            )
            raise ConnectionRejectionError({"code": exc.code}) from None
        principal = ws_credentials.principal_key(scope)
        if not HUB.open_connection(principal, self.settings.realtime_connections_per_principal):
            limit = self.settings.realtime_connections_per_principal
            state["close_with"] = (TOO_MANY_CONNECTIONS, f"too_many_connections: at most {limit} at once")
            raise ConnectionRejectionError({"code": "too_many_connections"})
        state["realtime_principal"] = principal
        context.scope = scope
        return UNSET

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page, whose scripts this server serves (app.web.assets), not Strawberry's CDN one."""
        return assets.graphiql_page()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # subscriptions: authenticated at connection_init
            state = scope.setdefault("state", {})
            try:
                await super().__call__(scope, receive, send)
            finally:
                principal = state.pop("realtime_principal", None)
                if principal is not None:
                    HUB.close_connection(principal)
            return
        if scope["type"] != "http":
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
        if isinstance(request, WebSocket):  # the scope is set by on_ws_connect
            return Context(
                request=request, response=None, scope=None, settings=self.settings, tenants=self.tenants
            )
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

    async def authenticate_socket(self, websocket: WebSocket, params: dict):
        return await ws_credentials.staff_scope(
            websocket, params, self.settings, self.tenants, self.providers
        )


class PortalGraphQL(_AuthenticatedGraphQL):
    async def authenticate_socket(self, websocket: WebSocket, params: dict):
        return await ws_credentials.portal_scope(websocket, params, self.settings, self.tenants)

    async def authenticate(self, request: Request):
        if credentials.has_session_cookie(request, "portal"):
            return await credentials.cookie_scope(request, self.settings, self.tenants, "portal")
        raise AuthenticationError(
            "Not signed in: sign in to the portal at /auth/<tenant>/portal/login.", code="unauthenticated"
        )
