"""The pay page and the receipt: the one portal page that needs JavaScript (Stripe.js for the card).

The page lists the account's open invoices (``?overdue=1`` preselects the overdue ones: "pay my overdue
balance", offered only when something is overdue; ``?invoice=<id>&invoice=<id>`` preselects those, the
pay link of a dunning message: an id that is not an open invoice of this account is ignored), totals the selection, and on "Pay" calls the portal's ``startPayment`` and ``confirmPayment``
mutations with Stripe.js tokenising the card in between. An account that owes nothing (nothing open, or
a credit balance) is told so and offered no payment at all. Stripe.js is loaded from
``LEDGERPORT_STRIPE_JS_URL`` (localstripe's fake in tests and the demo). The receipt shows where the money
went once the ``payment_intent.succeeded`` webhook has recorded it, and refreshes itself until then.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.errors import ConfigError
from app.payments import checkout
from app.payments.stripe_gateway import account_for, js_url
from app.portal import figures as portal_figures
from app.web.portal.handler import account_of, portal_page
from app.web.portal.render import PortalSession, page
from schema.common import ids


@portal_page
async def pay(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    invoices = await checkout.payable_invoices(session.scope, account.pk)
    figures = await portal_figures.account_figures(session.scope, account.pk, session.tenant.config)
    shown = {"title": "Pay invoices", "nav": "pay", "account": account, "figures": figures}
    if not figures.payable:
        return page(session, "portal/pay.html", rows=[], **shown)
    today = figures.as_of
    overdue_only = request.query_params.get("overdue") == "1" and figures.overdue_payable
    try:
        publishable_key = account_for(session.tenant.config.payments).publishable_key
    except ConfigError as exc:
        return page(
            session, "portal/not_found.html", title="Payments unavailable", message=exc.message, status=503
        )
    selected = set(request.query_params.getlist("invoice"))
    rows = []
    for i in invoices:
        opaque = ids.encode_id("Invoice", i.id)
        checked = opaque in selected or (overdue_only and i.due_date < today)
        rows.append({"invoice": i, "id": opaque, "overdue": i.due_date < today, "checked": checked})
    return page(
        session,
        "portal/pay.html",
        rows=rows,
        publishable_key=publishable_key,
        stripe_js_url=js_url(),
        payments=session.tenant.config.payments,
        **shown,
    )


@portal_page
async def receipt(request: Request, session: PortalSession, form) -> Response:
    payment_id = ids.decode_id("Payment", request.path_params["payment"])
    found = await checkout.receipt(session.scope, payment_id)
    account = next((a for a in session.accounts if a.pk == found.payment.customer_id), None)
    return page(session, "portal/pay_receipt.html", title="Payment receipt", account=account, receipt=found)


def routes() -> list[Route]:
    return [
        Route("/portal/accounts/{account}/pay", pay),
        Route("/portal/payments/{payment}/receipt", receipt),
    ]
