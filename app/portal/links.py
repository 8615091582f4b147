"""Every link into a tenant's customer portal that leaves the server, built in this one place.

Invoices and statements print these links (and the invoice's QR code holds one), emails carry them; all of
them name objects by the same opaque ids (``app.ids``) the portal's routes take, so a link opens its page
for a contact of the customer it is addressed to and is "not found" for anyone else. A test follows every
link printed in a PDF or sent in an email with a signed-in contact and expects the page.

Links are absolute, on the tenant's first host name: ``LEDGERPORT_PORTAL_ORIGIN`` (default
``https://{host}``) says how that host is reached, e.g. ``http://{host}:8000`` for a local server.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from app.ids import encode_id
from app.tenancy.config import TenantConfig

ORIGIN_ENV = "LEDGERPORT_PORTAL_ORIGIN"
DEFAULT_ORIGIN = "https://{host}"


def portal_url(tenant: TenantConfig, path: str = "/") -> str:
    """The absolute URL of ``path`` (starting ``/``, after ``/portal``) in the tenant's portal."""
    host = tenant.hosts[0] if tenant.hosts else "localhost"
    origin = (os.environ.get(ORIGIN_ENV) or DEFAULT_ORIGIN).rstrip("/").replace("{host}", host)
    return f"{origin}/portal{path}"


def account(tenant: TenantConfig, customer_id: int) -> str:
    """The account's overview (figures, aging)."""
    return portal_url(tenant, f"/accounts/{encode_id('Account', customer_id)}")


def statements(tenant: TenantConfig, customer_id: int) -> str:
    """The account's statements page: every month and any period, to download."""
    return account(tenant, customer_id) + "/statements"


def invoice(tenant: TenantConfig, invoice_id: int) -> str:
    """The invoice's page: lines, what paid it, its PDF, asking about it and disputing it."""
    return portal_url(tenant, f"/invoices/{encode_id('Invoice', invoice_id)}")


def support_request(tenant: TenantConfig, request_id: int) -> str:
    """The support thread: the messages, and the form to reply."""
    return portal_url(tenant, f"/support/{encode_id('SupportRequest', request_id)}")


def invitation(tenant: TenantConfig, secret: str) -> str:
    """An invitation's landing page: whose portal it is, and the button that signs in and accepts it."""
    host = tenant.hosts[0] if tenant.hosts else "localhost"
    origin = (os.environ.get(ORIGIN_ENV) or DEFAULT_ORIGIN).rstrip("/").replace("{host}", host)
    return f"{origin}/portal/join/{tenant.slug}?" + urlencode({"invitation": secret})
