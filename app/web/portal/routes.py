"""Every portal page's URL, in one list (``create_app`` mounts it)."""

from __future__ import annotations

from starlette.routing import Route

from app.web.portal import pay
from app.web.portal.invoices import ask_about_invoice, dispute_invoice, invoice, invoices
from app.web.portal.overview import home, overview, switch
from app.web.portal.payments import payments, receipt
from app.web.portal.profile import billing, invitation, invite, profile
from app.web.portal.statements import statements
from app.web.portal.support import attachment, support_create, support_list, support_reply, support_thread


def routes() -> list[Route]:
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
        *pay.routes(),
    ]
