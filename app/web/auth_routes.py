"""The sign-in pages under ``/auth/``: start, callback, sign-out, per tenant and audience.

The tenant comes from the path (``/auth/<tenant>/staff/login``) or, on a tenant's own host name, from the
host (``/auth/staff/login``). Sign-in and callback are rate-limited per client address and tenant.
Every refusal is a small page with a clear message, no session cookie, and an audit row.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.audit.service import Origin
from app.auth import signin
from app.auth.linking import NotInvited
from app.auth.signin import AUDIENCES
from app.errors import AuthenticationError, ConfigError
from app.tenancy.registry import TenantFile
from app.web import console, cookies
from app.web.credentials import host_tenant
from app.web.graphql import client_ip


def page(title: str, message: str, status: int = 200, links: str = "") -> HTMLResponse:
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><main>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{links}</main></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


#: The query parameter naming the portal page to return to after signing in.
RETURN_PARAM = "next"


def portal_return_path(raw: str | None) -> str | None:
    """``raw`` if it is a path of this server's portal pages, else None: only such a path is followed after
    sign-in, so a crafted link can never send a freshly signed-in contact to another site."""
    if not raw or len(raw) > 1000 or not raw.startswith("/portal/"):
        return None
    if "//" in raw or "\\" in raw or any(ord(c) < 33 or ord(c) == 127 for c in raw):
        return None
    return raw


def return_path_for(audience: str, raw: str | None) -> str | None:
    """Where to land after sign-in: a portal page for contacts, a console page for staff, or None."""
    if audience == signin.PORTAL:
        return portal_return_path(raw)
    return console.return_path(raw) if raw else None


def origin_of(request: Request) -> Origin:
    return Origin(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


def _tenant(request: Request) -> TenantFile | None:
    slug = request.path_params.get("tenant")
    tenants = request.app.state.tenants
    return tenants.get(slug) if slug else host_tenant(request, tenants)


def _prefix(request: Request, tenant: TenantFile, audience: str) -> str:
    if "tenant" in request.path_params:
        return f"/auth/{tenant.config.slug}/{audience}"
    return f"/auth/{audience}"


async def _limited(request: Request, tenant: TenantFile) -> Response | None:
    wait = await request.app.state.signin_limiter.hit(client_ip(request), tenant.config.slug)
    if not wait:
        return None
    response = page("Too many sign-in attempts", f"Please wait {wait} seconds and try again.", 429)
    response.headers["Retry-After"] = str(wait)
    return response


async def _resolve(request: Request, *, limit: bool = False) -> tuple[TenantFile, str] | Response:
    """The tenant and audience a sign-in page is for, or the page to answer instead (404, or 429)."""
    tenant = _tenant(request)
    audience = request.path_params["audience"]
    if tenant is None or audience not in AUDIENCES:
        return page("Not found", "There is no such sign-in page.", 404)
    limited = await _limited(request, tenant) if limit else None
    return limited or (tenant, audience)


async def login(request: Request) -> Response:
    resolved = await _resolve(request, limit=True)
    if isinstance(resolved, Response):
        return resolved
    tenant, audience = resolved
    redirect_uri = str(request.base_url).rstrip("/") + _prefix(request, tenant, audience) + "/callback"
    portal = audience == signin.PORTAL
    invitation = request.query_params.get("invitation") if portal else None
    return_to = return_path_for(audience, request.query_params.get(RETURN_PARAM))
    try:
        url, state = await signin.begin(
            request.app.state.providers, tenant.config, audience, redirect_uri, invitation, return_to
        )
    except (ConfigError, AuthenticationError) as exc:
        return page("Sign-in is unavailable", exc.message, 503)
    response = RedirectResponse(url, status_code=302)
    cookies.set_login(response, request.app.state.settings, state)
    return response


async def callback(request: Request) -> Response:
    resolved = await _resolve(request, limit=True)
    if isinstance(resolved, Response):
        return resolved
    tenant, audience = resolved
    settings = request.app.state.settings
    login_state = cookies.read_login(request, settings)
    if login_state is not None and login_state.audience != audience:
        login_state = None
    params = dict(request.query_params)
    try:
        signed_in = await signin.complete(
            request.app.state.providers, tenant.config, login_state, params, origin_of(request)
        )
    except NotInvited as exc:
        response: Response = page("You are not invited", exc.message, 403)
        cookies.clear_login(response)
        return response
    except (AuthenticationError, ConfigError) as exc:
        response = page("Sign-in failed", exc.message, 400)
        cookies.clear_login(response)
        return response
    # Rotation: whatever session this browser had before ends now.
    previous = cookies.read_session(request, settings, audience)
    if previous is not None:
        await signin.sign_out(tenant.config, audience, previous.secret, origin_of(request))
    landing = _prefix(request, tenant, audience) + "/signed-in"
    if login_state is not None and login_state.return_to:
        landing += f"?{RETURN_PARAM}=" + quote(login_state.return_to, safe="/")
    response = RedirectResponse(landing, status_code=303)
    cookies.clear_login(response)
    cookies.set_session(
        response, settings, audience, signed_in.session.tenant_id, tenant.config.slug, signed_in.secret
    )
    return response


async def signed_in(request: Request) -> Response:
    resolved = await _resolve(request)
    if isinstance(resolved, Response):
        return resolved
    tenant, audience = resolved
    cookie = cookies.read_session(request, request.app.state.settings, audience)
    if cookie is None or cookie.tenant_slug != tenant.config.slug:
        return page("Not signed in", f"You are not signed in to {tenant.config.name}.", 401)
    if audience == signin.PORTAL:
        # Contacts land on the page they asked for before signing in, or on their portal's home.
        target = portal_return_path(request.query_params.get(RETURN_PARAM)) or "/portal/"
        return RedirectResponse(target, status_code=303)
    # Staff land in the console: on the page they asked for before signing in, or on its home.
    return RedirectResponse(console.return_path(request.query_params.get(RETURN_PARAM)), status_code=303)


async def logout(request: Request) -> Response:
    """End this browser's session (POST with the CSRF token), then the provider's session if it can."""
    settings = request.app.state.settings
    audience = request.query_params.get("audience", "staff")
    if audience not in AUDIENCES:
        return page("Not found", "There is no such sign-out.", 404)
    cookie = cookies.read_session(request, settings, audience)
    response: Response
    if cookie is None:
        response = page("Signed out", "You are signed out.")
        cookies.clear_session(response, audience)
        return response
    form = await request.form()
    presented = request.headers.get(cookies.CSRF_HEADER) or str(form.get(cookies.CSRF_FIELD) or "")
    if not cookies.csrf_ok(settings, cookie.secret, presented):
        return page(
            "Sign-out refused", "The sign-out form was not sent from this site (CSRF check failed).", 403
        )
    tenant = request.app.state.tenants.get(cookie.tenant_slug)
    if tenant is None:
        response = page("Signed out", "You are signed out.")
        cookies.clear_session(response, audience)
        return response
    id_token = await signin.sign_out(tenant.config, audience, cookie.secret, origin_of(request))
    return_to = str(request.base_url).rstrip("/") + f"/auth/{tenant.config.slug}/{audience}/signed-out"
    provider_url = await signin.end_session_url(
        request.app.state.providers, tenant.config, audience, id_token, return_to
    )
    response = RedirectResponse(provider_url or return_to, status_code=303)
    cookies.clear_session(response, audience)
    return response


async def signed_out(request: Request) -> Response:
    return page("Signed out", "You are signed out.")


def routes() -> list[Route]:
    return [
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/auth/{tenant}/{audience}/login", login),
        Route("/auth/{tenant}/{audience}/callback", callback),
        Route("/auth/{tenant}/{audience}/signed-in", signed_in),
        Route("/auth/{tenant}/{audience}/signed-out", signed_out),
        Route("/auth/{audience}/login", login),
        Route("/auth/{audience}/callback", callback),
        Route("/auth/{audience}/signed-in", signed_in),
    ]
