"""Who is looking at a portal page: the portal session cookie, checked like the API checks it.

No session (or an expired one) sends the browser to its tenant's sign-in; a form POST must carry the
session's CSRF token in its ``csrf_token`` field (a cross-site form can make the browser send the cookie
but cannot know the token).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.auth import sessions
from app.contacts import service as contacts
from app.errors import AuthenticationError
from app.web import cookies
from app.web.auth_routes import RETURN_PARAM
from app.web.credentials import host_tenant
from app.web.portal.render import PortalSession, page


class Refused(Exception):
    """The page cannot be shown to this browser; ``response`` says what to do instead."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _sign_in(request: Request, cookie_tenant: str | None = None) -> Response:
    """Where a browser without a valid session goes: its tenant's sign-in, coming back to this page.

    The tenant is the host's or, on a host that names none, the one an expired session cookie was for;
    knowing neither, the page is a tenant chooser in Ledgerport's neutral look, so nobody is shown one
    tenant's branding on the way to another's portal."""
    tenants = request.app.state.tenants
    tenant = host_tenant(request, tenants) or (tenants.get(cookie_tenant) if cookie_tenant else None)
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = "?" + urlencode({RETURN_PARAM: back}) if request.method == "GET" else ""
    if tenant is not None:
        return RedirectResponse(f"/auth/{tenant.config.slug}/portal/login{query}", status_code=303)
    return page(None, "portal/signin.html", tenants=list(tenants), query=query, title="Sign in", status=401)


async def portal_session(request: Request, form=None) -> PortalSession:
    """The session of this browser; raises ``Refused`` with a redirect to sign-in, or 403 on CSRF."""
    state = request.app.state
    cookie = cookies.read_session(request, state.settings, "portal")
    if cookie is None:
        raise Refused(_sign_in(request))
    tenant = state.tenants.get(cookie.tenant_slug)
    pinned = host_tenant(request, state.tenants)
    if tenant is None or (pinned is not None and pinned.config.slug != cookie.tenant_slug):
        raise Refused(_sign_in(request))
    try:
        scope = await sessions.contact_scope(cookie.tenant_id, cookie.tenant_slug, cookie.secret)
    except AuthenticationError:
        raise Refused(_sign_in(request, cookie.tenant_slug)) from None
    if request.method == "POST":
        presented = str((form or {}).get(cookies.CSRF_FIELD) or "")
        if not cookies.csrf_ok(state.settings, cookie.secret, presented):
            raise Refused(
                HTMLResponse("The form was not sent from this site (CSRF check failed).", status_code=403)
            )
    profile = await contacts.me(scope)
    return PortalSession(scope, tenant, profile, cookies.csrf_token(state.settings, cookie.secret))
