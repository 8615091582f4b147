"""Where documents are downloaded, in one place, so GraphQL types and pages link to the same URLs.

Ids are the numeric primary keys for now; when opaque ids arrive (wt4) only ``document_id`` and the two
URL builders change.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from app.errors import NotFound
from app.tenancy.config import TenantConfig


def document_id(raw: str) -> int:
    """The id in a download URL; anything that is not one of ours is simply not found."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise NotFound("no such document")
    return int(raw)


def invoice_pdf_url(invoice_id: int) -> str:
    return f"/documents/invoices/{invoice_id}.pdf"


def statement_pdf_url(
    customer_id: int,
    *,
    kind: str = "activity",
    period_from: date | None = None,
    period_to: date | None = None,
    as_of: date | None = None,
    currency: str | None = None,
) -> str:
    params = {"kind": kind, "from": period_from, "to": period_to, "asOf": as_of, "currency": currency}
    query = urlencode({k: v.isoformat() if isinstance(v, date) else v for k, v in params.items() if v})
    return f"/documents/statements/{customer_id}.pdf?{query}"


def portal_url(tenant: TenantConfig, path: str = "") -> str:
    """An absolute link into the tenant's customer portal, printed on documents and in their QR code."""
    host = tenant.hosts[0] if tenant.hosts else "localhost"
    return f"https://{host}/portal{path}"
