"""Links into the portal pages for emails, with the same opaque ids (``app.ids``) the pages take."""

from __future__ import annotations

from app.documents.urls import portal_url
from app.ids import encode_id as opaque
from app.tenancy.config import TenantConfig


def support_request(tenant: TenantConfig, request_id: int) -> str:
    return portal_url(tenant, f"/support/{opaque('SupportRequest', request_id)}")


def invoice(tenant: TenantConfig, invoice_id: int) -> str:
    return portal_url(tenant, f"/invoices/{opaque('Invoice', invoice_id)}")
