"""The payments page (newest first, with what each paid) and one payment's printable receipt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.ids import plain_int
from app.portal import payments as portal_payments
from app.web.portal import handler
from app.web.portal.handler import account_of, portal_page
from app.web.portal.render import PortalSession, page
from schema.common import ids


@portal_page
async def payments(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    offset = plain_int(request.query_params.get("offset", "0")) or 0
    rows = await portal_payments.payments(session.scope, account.pk, handler.PAGE_SIZE + 1, offset)
    return page(
        session,
        "portal/payments.html",
        nav="payments",
        account=account,
        title="Payments",
        rows=rows[: handler.PAGE_SIZE],
        next_offset=offset + handler.PAGE_SIZE if len(rows) > handler.PAGE_SIZE else None,
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
