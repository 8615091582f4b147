"""Support pages: the account's requests, a new one, a thread with its replies, and attachments."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.errors import ValidationFailed
from app.support import service as support
from app.web.portal.forms import field_errors, uploaded_files
from app.web.portal.handler import account_of, origin, portal_page
from app.web.portal.render import PortalSession, page
from schema.common import ids


async def _support_list(request, session, account, *, errors=None, form=None, status=200) -> Response:
    rows = await support.list_for_account(session.scope, account.pk)
    return page(
        session,
        "portal/support.html",
        nav="support",
        account=account,
        title="Support requests",
        rows=[(r, ids.encode_id("SupportRequest", r.id)) for r in rows],
        errors=errors or {},
        form=form or {},
        status=status,
        can_ask=account.role in ("admin", "payer"),
    )


@portal_page
async def support_list(request: Request, session: PortalSession, form) -> Response:
    return await _support_list(request, session, account_of(session, request))


@portal_page
async def support_create(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    try:
        created = await support.create(
            session.scope,
            session.tenant.config,
            account.pk,
            str(form.get("subject", "")),
            str(form.get("message", "")),
            attachments=await uploaded_files(form),
            origin=origin(request),
        )
    except ValidationFailed as exc:
        return await _support_list(request, session, account, errors=field_errors(exc), form=form, status=400)
    return RedirectResponse(
        f"/portal/support/{ids.encode_id('SupportRequest', created.id)}?created=1", status_code=303
    )


async def _thread(request, session, *, errors=None, form=None, status=200, flash="") -> Response:
    request_id = ids.decode_id("SupportRequest", request.path_params["request"])
    thread = await support.thread_for_contact(session.scope, request_id)
    account = next(a for a in session.accounts if a.pk == thread.request.customer_id)
    return page(
        session,
        "portal/thread.html",
        nav="support",
        account=account,
        title=thread.request.subject,
        thread=thread,
        errors=errors or {},
        form=form or {},
        status=status,
        flash=flash,
        request_id=request.path_params["request"],
        can_ask=account.role in ("admin", "payer"),
        invoice_link=ids.encode_id("Invoice", thread.request.invoice_id) if thread.request.invoice_id else "",
        attachments=[
            {**a, "id": ids.encode_id("Attachment", a["id"])}
            for a in await support.attachments_of(session.scope, request_id)
        ],
    )


@portal_page
async def support_thread(request: Request, session: PortalSession, form) -> Response:
    created = request.query_params.get("created")
    return await _thread(request, session, flash="Your request was sent." if created else "")


@portal_page
async def support_reply(request: Request, session: PortalSession, form) -> Response:
    request_id = ids.decode_id("SupportRequest", request.path_params["request"])
    try:
        await support.contact_reply(
            session.scope, session.tenant.config, request_id, str(form.get("message", "")), origin(request)
        )
    except ValidationFailed as exc:
        return await _thread(request, session, errors=field_errors(exc), form=form, status=400)
    return RedirectResponse(request.url.path.removesuffix("/reply"), status_code=303)


@portal_page
async def attachment(request: Request, session: PortalSession, form) -> Response:
    """A file attached to one of the contact's support requests, as a download (never rendered inline)."""
    row = await support.attachment(
        session.scope, ids.decode_id("Attachment", request.path_params["attachment"])
    )
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename)}"
    return Response(
        bytes(row.content),
        media_type=row.content_type,
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
