"""Factur-X: the invoice PDF written as PDF/A-3 (WeasyPrint's ``pdf/a-3b`` variant: embedded fonts,
an output intent, XMP metadata) with the CII XML attached as ``factur-x.xml`` by the ``factur-x``
package, which also writes the Factur-X XMP extension schema (document type, file name, version,
conformance level EN 16931) and the ``/AF`` association (relationship ``Data``) PDF/A-3 requires."""

from __future__ import annotations

from facturx import generate_from_binary

from app.documents import render as renderer
from app.einvoice import xml

VARIANT = "pdf/a-3b"


def facturx_pdf(template: str, view, data: dict, lang: str) -> bytes:
    """The invoice's PDF/A-3 with its EN 16931 CII XML embedded (runs in a render thread)."""
    cii = xml.build(data, "factur-x")
    pdf = renderer.render_pdf(template, view, variant=VARIANT)
    metadata = {
        "author": data["BG-4"]["name"],
        "keywords": "Factur-X, EN 16931, invoice",
        "title": f"Invoice {data['BT-1']}",
        "subject": f"Invoice {data['BT-1']} from {data['BG-4']['name']} to {data['BG-7']['name']}",
    }
    return generate_from_binary(
        pdf, cii, flavor="factur-x", level="en16931", check_xsd=False, pdf_metadata=metadata, lang=lang
    )
