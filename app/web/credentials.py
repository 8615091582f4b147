"""Who is calling a GraphQL endpoint: a bearer credential or a session cookie, checked before any query.

Staff may send an API token (machine clients), a JWT from their tenant's provider (single-page
dashboards), or the staff session cookie from a browser sign-in. Contacts have only the portal session
cookie. A cookie-authenticated POST must also carry the session's CSRF token in ``X-CSRF-Token``: a
cross-site form can make the browser send the cookie but cannot set that header.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request

from app.auth import bearer, sessions, tokens
from app.auth.access import apply_access_rules
from app.auth.oidc import ProviderCache
from app.errors import AuthenticationError
from app.scope import Scope
from app.settings import Settings
from app.tenancy.registry import TenantFile, TenantRegistry
from app.web import cookies


def host_tenant(request: Request, tenants: TenantRegistry) -> TenantFile | None:
    """The tenant whose host name the request came in on, if any (local use goes by path or token)."""
    return tenants.by_host(request.headers.get("host", ""))


async def bearer_scope(request: Request, providers: ProviderCache, tenants: TenantRegistry) -> Scope:
    kind, _, secret = request.headers.get("authorization", "").partition(" ")
    secret = secret.strip()
    if kind.lower() != "bearer" or not secret:
        raise AuthenticationError(
            "Malformed Authorization header: expected `Bearer <token>`.", code="invalid_token"
        )
    pinned = host_tenant(request, tenants)
    if bearer.looks_like_jwt(secret):
        return await bearer.authenticate(providers, tenants, secret, pinned)
    scope = await tokens.authenticate(secret)
    if pinned is not None and pinned.config.slug != scope.tenant_slug:
        raise AuthenticationError("Invalid API token", code="invalid_token")
    return scope


async def cookie_scope(request: Request, settings: Settings, tenants: TenantRegistry, audience: str) -> Scope:
    cookie = cookies.read_session(request, settings, audience)
    if cookie is None:
        raise AuthenticationError("Your session is not valid; sign in again", code="session_invalid")
    pinned = host_tenant(request, tenants)
    if pinned is not None and pinned.config.slug != cookie.tenant_slug:
        raise AuthenticationError("Your session is for another tenant; sign in here", code="session_invalid")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not cookies.csrf_ok(
        settings, cookie.secret, request.headers.get(cookies.CSRF_HEADER)
    ):
        raise AuthenticationError(
            "Missing or wrong CSRF token: send the value of the lp_*_csrf cookie in the X-CSRF-Token header",
            code="csrf_failed",
        )
    if audience == "staff":
        return await sessions.staff_scope(cookie.tenant_id, cookie.tenant_slug, cookie.secret)
    return await sessions.contact_scope(cookie.tenant_id, cookie.tenant_slug, cookie.secret)


def fingerprint(request: Request) -> str:
    """A hash of everything the request presented as its credential: the Authorization header, the
    session cookies and the CSRF header. Failed attempts are counted under it (with the address), so
    the same dead token or cookie sent again and again is refused, while any other credential, the
    valid ones of colleagues behind the same address included, is still checked. The CSRF header is
    part of it: a valid cookie sent without its token does not count against the same cookie with it."""
    parts = [
        request.headers.get("authorization", ""),
        *(request.cookies.get(name, "") for name in cookies.SESSION_COOKIES.values()),
        request.headers.get(cookies.CSRF_HEADER, ""),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def has_session_cookie(request: Request, audience: str) -> bool:
    return cookies.SESSION_COOKIES[audience] in request.cookies


async def staff_scope(
    request: Request, settings: Settings, tenants: TenantRegistry, providers: ProviderCache
) -> Scope:
    """A staff caller by bearer credential or staff session, narrowed by its tenant's access rules (so every
    service below sees e.g. a sales person's own customers only, whatever the credential)."""
    if request.headers.get("authorization"):
        scope = await bearer_scope(request, providers, tenants)
    elif has_session_cookie(request, "staff"):
        scope = await cookie_scope(request, settings, tenants, "staff")
    else:
        raise AuthenticationError(
            "Missing credentials: send an API token as `Authorization: Bearer <token>`, "
            "or sign in at /auth/<tenant>/staff/login.",
            code="unauthenticated",
        )
    return apply_access_rules(scope, tenants.require(scope.tenant_slug).config)


async def request_scope(
    request: Request, settings: Settings, tenants: TenantRegistry, providers: ProviderCache
) -> Scope:
    """Whoever is calling a non-GraphQL route (document downloads): staff (see ``staff_scope``) or a contact
    by portal session. GET routes need no CSRF token; their answers are scoped."""
    staff_credential = request.headers.get("authorization") or has_session_cookie(request, "staff")
    if not staff_credential and has_session_cookie(request, "portal"):
        return await cookie_scope(request, settings, tenants, "portal")
    return await staff_scope(request, settings, tenants, providers)
