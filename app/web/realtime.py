"""Who is subscribing: the credential of a GraphQL WebSocket (graphql-transport-ws), checked at
``connection_init`` exactly like the HTTP endpoint checks a request.

- staff (``/graphql``): an API token or the tenant provider's JWT in the payload
  (``{"Authorization": "Bearer ..."}``), or the staff session cookie of the handshake;
- contacts (``/portal/graphql``): the portal session cookie only.

A cookie is sent by the browser to any page's WebSocket, so the handshake's ``Origin`` must be this
server's (Strawberry refuses other origins before any of this runs), or, from a client that sends no
``Origin``, the payload must carry the session's CSRF token (``csrfToken``) as a POST must. The scope
is then narrowed by the tenant's access rules, as for a query.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from starlette.websockets import WebSocket

from app.auth import sessions
from app.auth.access import apply_access_rules
from app.auth.oidc import ProviderCache
from app.errors import AuthenticationError
from app.scope import Scope
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from app.web import cookies, credentials


def bearer_of(params: dict[str, Any]) -> str:
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str) and value:
            return value
    token = params.get("token")
    return f"Bearer {token}" if isinstance(token, str) and token else ""


def fingerprint(websocket: WebSocket, params: dict[str, Any]) -> str:
    """What the connection presented as its credential (for the failed-credential limiter)."""
    parts = [bearer_of(params), *(websocket.cookies.get(n, "") for n in cookies.SESSION_COOKIES.values())]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


async def _cookie_scope(
    websocket: WebSocket, params: dict[str, Any], settings: Settings, tenants: TenantRegistry, audience: str
) -> Scope:
    cookie = cookies.read_session(websocket, settings, audience)
    if cookie is None:
        raise AuthenticationError("Your session is not valid; sign in again", code="session_invalid")
    pinned = credentials.host_tenant(websocket, tenants)
    if pinned is not None and pinned.config.slug != cookie.tenant_slug:
        raise AuthenticationError("Your session is for another tenant; sign in here", code="session_invalid")
    csrf = params.get("csrfToken")
    if "origin" not in websocket.headers and not cookies.csrf_ok(
        settings, cookie.secret, csrf if isinstance(csrf, str) else None
    ):
        raise AuthenticationError(
            "Missing or wrong CSRF token: send the lp_*_csrf cookie's value as csrfToken in connection_init",
            code="csrf_failed",
        )
    if audience == "staff":
        return await sessions.staff_scope(cookie.tenant_id, cookie.tenant_slug, cookie.secret)
    return await sessions.contact_scope(cookie.tenant_id, cookie.tenant_slug, cookie.secret)


async def staff_scope(
    websocket: WebSocket,
    params: dict[str, Any],
    settings: Settings,
    tenants: TenantRegistry,
    providers: ProviderCache,
) -> Scope:
    authorization = bearer_of(params)
    if authorization:
        # The HTTP check reads these two headers; a WebSocket carries the credential in its payload.
        shim = SimpleNamespace(
            headers={"authorization": authorization, "host": websocket.headers.get("host", "")}
        )
        scope = await credentials.bearer_scope(shim, providers, tenants)
    elif cookies.SESSION_COOKIES["staff"] in websocket.cookies:
        scope = await _cookie_scope(websocket, params, settings, tenants, "staff")
    else:
        raise AuthenticationError(
            'Missing credentials: send {"Authorization": "Bearer <token>"} in connection_init, '
            "or sign in at /auth/<tenant>/staff/login.",
            code="unauthenticated",
        )
    return apply_access_rules(scope, tenants.require(scope.tenant_slug).config)


async def portal_scope(
    websocket: WebSocket, params: dict[str, Any], settings: Settings, tenants: TenantRegistry
) -> Scope:
    if cookies.SESSION_COOKIES["portal"] not in websocket.cookies:
        raise AuthenticationError(
            "Not signed in: sign in to the portal at /auth/<tenant>/portal/login.", code="unauthenticated"
        )
    return await _cookie_scope(websocket, params, settings, tenants, "portal")


def principal_key(scope: Scope) -> tuple:
    """Whose connections are counted together: one person or token of one tenant."""
    return (scope.tenant_id, str(scope.kind), scope.principal_id, scope.principal)
