"""The portal's page handlers: each reads through the portal services with the contact's scope.

Anything not in the contact's scope (another customer's or another tenant's account, invoice, request) is
answered exactly like a URL that does not exist: 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import wraps
from urllib.parse import quote, urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.audit.service import Origin
from app.auth import invitations
from app.disputes import service as disputes
from app.errors import LedgerportError, NotFound, PermissionDenied, ValidationFailed
from app.models.enums import ContactRole
from app.money import format_decimal_string, to_minor
from app.portal import access as portal_access
from app.portal import details as portal_details
from app.portal import figures as portal_figures
from app.portal import invoices as portal_invoices
from app.portal import payments as portal_payments
from app.portal import statements as portal_statements
from app.support import service as support
from app.web.graphql import client_ip
from app.web.portal.render import AccountLink, PortalSession, page
from app.web.portal.session import Refused, portal_session
from schema.common import ids

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


def field_errors(exc: LedgerportError) -> dict[str, str]:
    problems = getattr(exc, "problems", None) or []
    if problems:
        return {p.field_path[-1]: p.message for p in problems}
    return {exc.field or "form": exc.message}


async def uploaded_files(form) -> list[tuple[str, str, bytes]]:
    """The files of a form's ``attachments`` field (browsers send an empty part when none is chosen)."""
    files = []
    for item in form.getlist("attachments") if hasattr(form, "getlist") else []:
        if isinstance(item, UploadFile) and item.filename:
            files.append((item.filename, item.content_type or "", await item.read()))
    return files


def parse_date(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("enter a date like 2026-06-30", field=name) from None


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
    )


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
            PAGE_SIZE,
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
        amount = _amount(str(form.get("amount", "")), detail.summary.currency)
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


def _amount(raw: str, currency: str) -> int:
    try:
        return to_minor(raw.strip().replace(",", ""), currency)
    except ValueError:
        raise ValidationFailed("enter an amount like 120.00", field="amount") from None


@portal_page
async def payments(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    raw_offset = request.query_params.get("offset", "0")
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    rows = await portal_payments.payments(session.scope, account.pk, PAGE_SIZE + 1, offset)
    return page(
        session,
        "portal/payments.html",
        nav="payments",
        account=account,
        title="Payments",
        rows=rows[:PAGE_SIZE],
        next_offset=offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
        invoice_link=lambda pk: ids.encode_id("Invoice", pk),
        payment_link=lambda pk: ids.encode_id("Payment", pk),
    )


@portal_page
async def receipt(request: Request, session: PortalSession, form) -> Response:
    """A printable receipt of one payment and what it paid."""
    customer_id, payment = await portal_payments.payment(
        session.scope, ids.decode_id("Payment", request.path_params["payment"])
    )
    account = next(a for a in session.accounts if a.pk == customer_id)
    return page(
        session,
        "portal/receipt.html",
        nav="payments",
        account=account,
        title="Payment receipt",
        payment=payment,
        invoice_link=lambda pk: ids.encode_id("Invoice", pk),
    )


@portal_page
async def statements(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    months = await portal_statements.statements(session.scope, account.pk, session.tenant.config)
    q = request.query_params
    values = {"from": q.get("from", ""), "to": q.get("to", "")}
    custom, errors = None, {}
    if values["from"] or values["to"]:
        try:
            start, end = parse_date(values["from"], "from"), parse_date(values["to"], "to")
            if start is None or end is None:
                raise ValidationFailed("enter both dates", field="from" if start is None else "to")
            custom = await portal_statements.custom_statement(session.scope, account.pk, start, end)
        except ValidationFailed as exc:
            errors = field_errors(exc)
    return page(
        session,
        "portal/statements.html",
        nav="statements",
        account=account,
        title="Statements",
        months=months,
        custom=custom,
        form=values,
        errors=errors,
        status=400 if errors else 200,
    )


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
async def billing(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    errors, flash = {}, ""
    if request.method == "POST":
        try:
            await portal_details.update_billing_details(
                session.scope,
                account.pk,
                str(form.get("address", "")),
                str(form.get("taxId", "")),
                str(form.get("billingEmail", "")),
                origin(request),
            )
            flash = "Your billing details are saved."
        except ValidationFailed as exc:
            errors = field_errors(exc)
    current = await portal_details.billing_details(session.scope, account.pk)
    values = (
        form
        if errors
        else {"address": current.address, "taxId": current.tax_id, "billingEmail": current.billing_email}
    )
    return page(
        session,
        "portal/billing.html",
        nav="billing",
        account=account,
        title="Billing details",
        form=values,
        errors=errors,
        flash=flash,
        can_edit=account.role == "admin",
        status=400 if errors else 200,
    )


@portal_page
async def invite(request: Request, session: PortalSession, form) -> Response:
    """An account admin invites a colleague; the single-use link is shown once, to pass on."""
    account = account_of(session, request)
    values = {"email": str(form.get("email", "")), "role": str(form.get("role", "viewer"))}
    try:
        role = ContactRole(values["role"])
    except ValueError:
        role = ContactRole.VIEWER
    try:
        _, secret = await invitations.invite(
            session.scope, account.pk, values["email"], role, origin(request)
        )
    except ValidationFailed as exc:
        return await _profile(request, session, account, errors=field_errors(exc), form=values, status=400)
    link = (
        str(request.base_url).rstrip("/")
        + f"/portal/join/{session.tenant.config.slug}?"
        + urlencode({"invitation": secret})
    )
    return await _profile(request, session, account, invitation_link=link)


async def _profile(
    request, session, account, *, errors=None, form=None, status=200, flash="", invitation_link=""
):
    current = await portal_details.contact_details(session.scope)
    values = form if errors and "name" in (form or {}) else {"name": current.name, "phone": current.phone}
    invite_values = form if errors and "email" in (form or {}) else {}
    return page(
        session,
        "portal/profile.html",
        nav="profile",
        account=account,
        title="My profile",
        form=values,
        invite_form=invite_values,
        errors=errors or {},
        flash=flash,
        email=current.email,
        status=status,
        invitation_link=invitation_link,
        roles=[r.value for r in ContactRole],
    )


@portal_page
async def profile(request: Request, session: PortalSession, form) -> Response:
    account = session.account(request.query_params.get("account", "")) or (session.accounts or [None])[0]
    errors, flash = {}, ""
    if request.method == "POST":
        try:
            await portal_details.update_contact_details(
                session.scope, str(form.get("name", "")), str(form.get("phone", "")), origin(request)
            )
            flash = "Your details are saved."
        except ValidationFailed as exc:
            errors = field_errors(exc)
    return await _profile(
        request, session, account, errors=errors, form=form, status=400 if errors else 200, flash=flash
    )


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


async def invitation(request: Request) -> Response:
    """The landing page of an invitation: whose portal it is, and the button that signs in and accepts it.

    The invitation itself is checked (single use, expiry, email) when the sign-in completes."""
    tenant = request.app.state.tenants.get(request.path_params["tenant"])
    secret = request.query_params.get("invitation", "")
    if tenant is None or not secret:
        return page(None, "portal/not_found.html", title="Not found", status=404)
    url = f"/auth/{tenant.config.slug}/portal/login?" + urlencode({"invitation": secret})
    return page(None, "portal/invitation.html", tenant=tenant, title="Your invitation", accept_url=url)


def routes():
    from starlette.routing import Route

    both = ["GET", "POST"]
    return [
        Route("/portal/", home),
        Route("/portal", home),
        Route("/portal/switch", switch),
        Route("/portal/join/{tenant}", invitation),
        Route("/portal/profile", profile, methods=both),
        Route("/portal/accounts/{account}", overview),
        Route("/portal/accounts/{account}/invoices", invoices),
        Route("/portal/accounts/{account}/payments", payments),
        Route("/portal/accounts/{account}/statements", statements),
        Route("/portal/accounts/{account}/support", support_list),
        Route("/portal/accounts/{account}/support/new", support_create, methods=["POST"]),
        Route("/portal/accounts/{account}/billing", billing, methods=both),
        Route("/portal/accounts/{account}/invite", invite, methods=["POST"]),
        Route("/portal/invoices/{invoice}", invoice),
        Route("/portal/payments/{payment}", receipt),
        Route("/portal/invoices/{invoice}/ask", ask_about_invoice, methods=["POST"]),
        Route("/portal/invoices/{invoice}/dispute", dispute_invoice, methods=["POST"]),
        Route("/portal/support/{request}", support_thread),
        Route("/portal/support/{request}/reply", support_reply, methods=["POST"]),
        Route("/portal/attachments/{attachment}", attachment),
    ]
