"""What every portal page handler shares: sign-in and CSRF first, out-of-scope objects as 404.

Anything not in the contact's scope (another customer's or another tenant's account, invoice, request) is
answered exactly like a URL that does not exist: 404. Handlers take ``(request, session, form)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

from app.audit.service import Origin
from app.errors import NotFound, PermissionDenied
from app.web.graphql import client_ip
from app.web.portal.render import AccountLink, PortalSession, page
from app.web.portal.session import Refused, portal_session

PAGE_SIZE = 20
Handler = Callable[[Request, PortalSession, dict], Awaitable[Response]]


def origin(request: Request) -> Origin:
    return Origin(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


def not_found(session: PortalSession) -> Response:
    return page(session, "portal/not_found.html", title="Not found", status=404)


def portal_page(handler: Handler):
    """Authenticate (and check CSRF on POST), then run ``handler``; out-of-scope objects are 404."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else {}
        try:
            session = await portal_session(request, form)
        except Refused as refused:
            return refused.response
        try:
            return await handler(request, session, form)
        except NotFound:
            return not_found(session)
        except PermissionDenied as exc:
            return page(
                session, "portal/not_found.html", title="Not allowed", message=exc.message, status=403
            )

    return endpoint


def account_of(session: PortalSession, request: Request) -> AccountLink:
    account = session.account(request.path_params["account"])
    if account is None:
        raise NotFound("account not found")
    return account
