"""E-invoices of a tenant with ``[e_invoicing]`` in its tenant file: the data of an invoice for the PDF
(``einvoice_data``, checked before anything is rendered or sent) and the XML on its own
(``invoice_xml``: CII for Factur-X tenants, UBL for XRechnung ones)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from app.auth.permissions import require
from app.documents import repository
from app.einvoice import data as en16931
from app.einvoice import xml
from app.errors import NotFound
from app.scope import Scope
from app.tenancy.config import TenantConfig

FILE_SUFFIX = {"factur-x": "factur-x", "xrechnung-ubl": "xrechnung"}


@dataclass(frozen=True)
class XmlDocument:
    content: bytes
    filename: str


async def einvoice_data(scope: Scope, config: TenantConfig, invoice_id: int) -> dict | None:
    """The EN 16931 data of the invoice (None when the tenant issues no e-invoices); raises
    ``EInvoiceIncomplete`` naming the missing field, and ``NotFound`` outside the caller's scope."""
    if config.e_invoicing is None:
        return None
    found = await repository.invoice(scope, invoice_id)
    if found is None:
        raise NotFound("no such invoice")
    row, settled, customer = found
    return en16931.en16931(config, row, settled, customer, await repository.invoice_lines(scope, invoice_id))


async def invoice_xml(scope: Scope, config: TenantConfig, invoice_id: int) -> XmlDocument:
    """The invoice's e-invoice XML alone, valid against the official XSD of the tenant's format."""
    if not scope.is_contact:
        require(scope, "ar.read")
    data = await einvoice_data(scope, config, invoice_id)
    if data is None:
        raise NotFound("this tenant issues no e-invoices")
    fmt = config.e_invoicing.format
    content = await asyncio.to_thread(xml.build, data, fmt)
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in data["BT-1"])
    return XmlDocument(content, f"{safe}-{FILE_SUFFIX[fmt]}.xml")
