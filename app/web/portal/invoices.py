"""The invoice pages: the filtered, paged list; one invoice, and asking about or disputing it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.disputes import service as disputes
from app.errors import ValidationFailed
from app.money import format_decimal_string
from app.portal import access as portal_access
from app.portal import invoices as portal_invoices
from app.support import service as support
from app.web.portal import handler
from app.web.portal.forms import field_errors, parse_amount, parse_date, uploaded_files
from app.web.portal.handler import account_of, origin, portal_page
from app.web.portal.render import PortalSession, page
from schema.common import ids


@portal_page
async def invoices(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    q = request.query_params
    values = {k: q.get(k, "") for k in ("status", "from", "to", "search")}
    errors: dict[str, str] = {}
    rows, more = [], False
    try:
        flt = portal_invoices.invoice_filter(
            values["status"] or None,
            parse_date(values["from"], "from"),
            parse_date(values["to"], "to"),
            values["search"],
        )
        rows, more = await portal_invoices.invoices(
            session.scope,
            account.pk,
            session.tenant.config,
            flt,
            handler.PAGE_SIZE,
            portal_invoices.parse_invoice_cursor(q.get("after")),
        )
    except ValidationFailed as exc:
        errors = field_errors(exc)
    next_url = ""
    if more and rows:
        params = "&".join(f"{k}={v}" for k, v in values.items() if v)
        next_url = f"?{params}&after={portal_invoices.invoice_cursor(rows[-1])}".replace("?&", "?")
    return page(
        session,
        "portal/invoices.html",
        nav="invoices",
        account=account,
        title="Invoices",
        rows=[(r, ids.encode_id("Invoice", r.id)) for r in rows],
        form=values,
        errors=errors,
        next_url=next_url,
        first_url="?" + "&".join(f"{k}={v}" for k, v in values.items() if v),
        paged=bool(q.get("after")),
        statuses=portal_invoices.STATUSES,
        today=portal_access.today_in(session.tenant.config),
        status=400 if errors else 200,
    )


async def _invoice_page(request, session, *, errors=None, form=None, status=200, flash="") -> Response:
    invoice_id = ids.decode_id("Invoice", request.path_params["invoice"])
    detail = await portal_invoices.invoice(session.scope, invoice_id)
    account = next(a for a in session.accounts if a.pk == detail.customer_id)
    return page(
        session,
        "portal/invoice.html",
        nav="invoices",
        account=account,
        title=f"Invoice {detail.summary.number}",
        detail=detail,
        invoice_id=request.path_params["invoice"],
        reasons=disputes.REASON_CODES,
        errors=errors or {},
        form=form or {},
        status=status,
        flash=flash,
        can_ask=account.role in ("admin", "payer"),
        open_decimal=format_decimal_string(
            detail.summary.open_amount - detail.disputed_amount, detail.summary.currency
        ),
    )


@portal_page
async def invoice(request: Request, session: PortalSession, form) -> Response:
    return await _invoice_page(
        request, session, flash=request.query_params.get("done", "") and "Sent. We will answer soon."
    )


@portal_page
async def ask_about_invoice(request: Request, session: PortalSession, form) -> Response:
    invoice_id = ids.decode_id("Invoice", request.path_params["invoice"])
    detail = await portal_invoices.invoice(session.scope, invoice_id)
    lines = [int(v) for v in form.getlist("lines") if str(v).isdigit()]
    try:
        created = await support.create(
            session.scope,
            session.tenant.config,
            detail.customer_id,
            str(form.get("subject", "")),
            str(form.get("message", "")),
            invoice_id=invoice_id,
            line_positions=lines,
            attachments=await uploaded_files(form),
            origin=origin(request),
        )
    except ValidationFailed as exc:
        return await _invoice_page(request, session, errors=field_errors(exc), form=form, status=400)
    return RedirectResponse(
        f"/portal/support/{ids.encode_id('SupportRequest', created.id)}?created=1", status_code=303
    )


@portal_page
async def dispute_invoice(request: Request, session: PortalSession, form) -> Response:
    invoice_id = ids.decode_id("Invoice", request.path_params["invoice"])
    detail = await portal_invoices.invoice(session.scope, invoice_id)
    prefixed = {f"d_{k}": v for k, v in form.items()}
    try:
        amount = parse_amount(str(form.get("amount", "")), detail.summary.currency)
        await disputes.open_dispute(
            session.scope,
            session.tenant.config,
            invoice_id,
            amount,
            str(form.get("reason", "")),
            str(form.get("message", "")),
            origin(request),
        )
    except ValidationFailed as exc:
        errors = {f"d_{k}": v for k, v in field_errors(exc).items()}
        return await _invoice_page(request, session, errors=errors, form=prefixed, status=400)
    return await _invoice_page(request, session, flash="Your dispute is open. We will review it and reply.")
