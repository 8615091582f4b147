"""The portal's landing: home (the contact's first account), the account switcher, the overview."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.credit import holds
from app.errors import NotFound
from app.portal import figures as portal_figures
from app.web.portal.handler import account_of, portal_page
from app.web.portal.render import PortalSession, page


@portal_page
async def home(request: Request, session: PortalSession, form) -> Response:
    if not session.accounts:
        return page(
            session, "portal/not_found.html", title="No accounts", message="You have no accounts here yet."
        )
    return RedirectResponse(f"/portal/accounts/{session.accounts[0].id}", status_code=303)


@portal_page
async def switch(request: Request, session: PortalSession, form) -> Response:
    account = session.account(request.query_params.get("account", ""))
    if account is None:
        raise NotFound("account not found")
    return RedirectResponse(f"/portal/accounts/{account.id}", status_code=303)


@portal_page
async def overview(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    figures = await portal_figures.account_figures(session.scope, account.pk, session.tenant.config)
    largest = max([b.amount for b in figures.aging] + [1])
    return page(
        session,
        "portal/overview.html",
        nav="overview",
        account=account,
        title="Account overview",
        figures=figures,
        largest=largest,
        can_pay=account.role in ("admin", "payer"),
        on_hold=await holds.portal_banner(session.scope, session.tenant.config, account.pk),
    )
