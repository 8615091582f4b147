"""The staff console under ``/console/``: a single-page app built by Vite into ``console/dist``.

The app itself only calls ``/graphql``; this module serves its files and decides where a browser without
a session goes. Every ``/console/...`` path that is not a built asset answers the same ``index.html`` (the
app routes in the browser), but only to a browser with a staff session cookie: anyone else is sent to
sign in first and brought back to the page asked for. ``/console/sign-in?next=...`` picks the tenant
(the session cookie's, the host name's, or ``?tenant=``), so an expired session in the middle of work
returns to the same page. The built files are gitignored; ``make demo`` and ``make test`` build them.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from app.settings import PROJECT_ROOT
from app.web import cookies
from app.web.credentials import host_tenant

DIST = PROJECT_ROOT / "console" / "dist"
PREFIX = "/console/"
#: Only our own host: scripts, styles, API calls and images; no frame may embed the console.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MISSING = (
    "The staff console is not built on this server: run `make demo` (or `npm ci && npm run console:build` "
    "at the repository root) to build it into console/dist."
)


def return_path(raw: str | None) -> str:
    """``raw`` if it is a console page of this server, else the console's home: a crafted link can never
    send a freshly signed-in person to another site."""
    if not raw or len(raw) > 1000 or not raw.startswith(PREFIX):
        return PREFIX
    if "//" in raw or "\\" in raw or any(ord(c) < 33 or ord(c) == 127 for c in raw):
        return PREFIX
    return raw


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>{body}</main>"
        "</body></html>"
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store", **SECURITY_HEADERS})


def _login_url(slug: str, target: str) -> str:
    return f"/auth/{slug}/staff/login?next=" + quote(target, safe="/")


async def sign_in(request: Request) -> Response:
    """Send the browser to its tenant's staff sign-in, coming back to ``next``; or let it choose a tenant."""
    target = return_path(request.query_params.get("next"))
    tenants = request.app.state.tenants
    cookie = cookies.read_session(request, request.app.state.settings, "staff")
    pinned = host_tenant(request, tenants)
    asked = tenants.get(request.query_params.get("tenant") or "")
    tenant = pinned or (tenants.get(cookie.tenant_slug) if cookie else None) or asked
    if tenant is not None:
        return RedirectResponse(_login_url(tenant.config.slug, target), status_code=303)
    if request.app.state.settings.is_production:
        return _page("Sign in", "<p>Open the console on your company's own Ledgerport address.</p>", 404)
    links = "".join(
        f"<li><a href='{html.escape(_login_url(t.config.slug, target))}'>{html.escape(t.config.name)}</a></li>"
        for t in tenants
    )
    return _page("Sign in to the staff console", f"<p>Choose your company:</p><ul>{links}</ul>")


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    path = DIST / "assets" / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    # Vite puts a content hash in every asset's name: cache them for a year.
    return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})


def index_page(dist: Path = DIST) -> Response:
    index = dist / "index.html"
    if not index.is_file():
        return PlainTextResponse(MISSING, status_code=503)
    return HTMLResponse(
        index.read_text(encoding="utf-8"), headers={"Cache-Control": "no-store", **SECURITY_HEADERS}
    )


async def app_page(request: Request) -> Response:
    """Any console page: the app's shell for a browser with a staff session, sign-in for anyone else."""
    if cookies.SESSION_COOKIES["staff"] not in request.cookies:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(
            "/console/sign-in?next=" + quote(return_path(here), safe="/"), status_code=303
        )
    return index_page()


async def bare(request: Request) -> Response:
    return RedirectResponse(PREFIX, status_code=308)


def routes() -> list[Route]:
    return [
        Route("/console", bare),
        Route("/console/sign-in", sign_in),
        Route("/console/assets/{name}", asset, methods=["GET", "HEAD"]),
        Route("/console/{path:path}", app_page),
    ]
