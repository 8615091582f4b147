"""Links into the portal pages for emails and documents, with the same opaque ids the pages take.

Services may not import ``schema/``, so the encoding (base64 of "Kind:pk", as ``schema.common.ids``) is
spelled here once for links; a test checks that both agree.
"""

from __future__ import annotations

import base64

from app.documents.urls import portal_url
from app.tenancy.config import TenantConfig


def opaque(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode().rstrip("=")


def support_request(tenant: TenantConfig, request_id: int) -> str:
    return portal_url(tenant, f"/support/{opaque('SupportRequest', request_id)}")


def invoice(tenant: TenantConfig, invoice_id: int) -> str:
    return portal_url(tenant, f"/invoices/{opaque('Invoice', invoice_id)}")
