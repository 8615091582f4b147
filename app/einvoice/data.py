"""The EN 16931 content of one invoice, keyed by business term (BT-/BG- numbers), from what the invoice
PDF prints: the same totals, tax, paid amount and due date (``app.documents.repository`` rows).

Missing mandatory data is found here, before any XML or PDF is made, and raised as one
``EInvoiceIncomplete`` naming the first missing field in API terms (``customer.taxId``,
``customer.country``, ``customer.billingAddress``, ``invoice.lines``), so staff see what to fix on the
invoice before anything is sent. The seller's identifiers were validated at start-up
(``app.tenancy.einvoicing``).

VAT: each line's rate is its tax / its net amount (2 decimals); lines with tax are category S
(standard), lines without are Z (zero rated). An invoice without lines (ingested totals only) gets one
line carrying its subtotal and tax, since EN 16931 requires at least one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from app.documents.repository import CustomerRow, InvoiceRow, LineRow, Settlement
from app.einvoice import address
from app.errors import ValidationFailed
from app.money import exponent
from app.tenancy.config import TenantConfig
from app.tenancy.einvoicing import EInvoicingConfig

EN16931 = "urn:cen.eu:en16931:2017"
INVOICE = "380"  # BT-3: commercial invoice
PEPPOL_BILLING = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23, which XRechnung requires
CREDIT_TRANSFER = "58"  # BT-81: SEPA credit transfer
UNIT = "C62"  # BT-130: "one" (unit)


class EInvoiceIncomplete(ValidationFailed):
    """The invoice lacks data an EN 16931 e-invoice must carry; ``field`` names it."""

    code = "einvoice_incomplete"


@dataclass(frozen=True)
class InvoiceFacts:
    """What the invoice PDF prints, in minor units: the e-invoice must say the same."""

    number: str
    currency: str
    issue_date: date
    due_date: date
    net: int
    tax: int
    total: int
    paid: int  # payments, credit and write-offs so far
    due: int


def _amount(minor: int, currency: str) -> str:
    places = exponent(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


def _rate(line: LineRow) -> Decimal:
    if not line.amount or not line.tax:
        return Decimal("0.00")
    return (Decimal(line.tax) / Decimal(line.amount) * 100).quantize(Decimal("0.01"), ROUND_HALF_EVEN)


def _missing(invoice: InvoiceRow, field: str, what: str, fmt: str) -> EInvoiceIncomplete:
    return EInvoiceIncomplete(
        f"invoice {invoice.number}: {what} is required for a {fmt} e-invoice (EN 16931); "
        "complete it before the invoice is sent",
        field=field,
    )


def check(
    invoice: InvoiceRow, customer: CustomerRow, lines: list[LineRow], fmt: str
) -> address.PostalAddress:
    """The buyer's postal address, or ``EInvoiceIncomplete`` naming the first missing field."""
    if not customer.legal_name.strip():
        raise _missing(invoice, "customer.name", "the customer's legal name (BT-44)", fmt)
    if not customer.tax_id.strip():
        raise _missing(
            invoice, "customer.taxId", "the customer's VAT/tax id in its billing details (BT-48)", fmt
        )
    if not customer.country:
        raise _missing(invoice, "customer.country", "the customer's country (BT-55)", fmt)
    if not customer.billing_address.strip():
        raise _missing(invoice, "customer.billingAddress", "the customer's billing address (BG-8)", fmt)
    postal = address.parse(customer.billing_address, customer.country, customer.legal_name)
    if fmt == "xrechnung-ubl" and not (postal.city and postal.postcode):
        raise _missing(
            invoice,
            "customer.billingAddress",
            "a billing address line with postcode and city (BT-52, BT-53)",
            fmt,
        )
    if lines and sum(line.amount for line in lines) != invoice.subtotal:
        raise _missing(invoice, "invoice.lines", "lines that add up to the subtotal (BT-106 = BT-109)", fmt)
    if lines and sum(line.tax for line in lines) != invoice.tax:
        raise _missing(invoice, "invoice.lines", "line taxes that add up to the invoice tax (BT-110)", fmt)
    return postal


def facts(invoice: InvoiceRow, settled: Settlement) -> InvoiceFacts:
    paid = settled.paid + settled.credited + settled.written_off
    return InvoiceFacts(
        invoice.number, invoice.currency, invoice.issue_date, invoice.due_date, invoice.subtotal,
        invoice.tax, invoice.total, paid, invoice.total - paid,
    )  # fmt: skip


def _party(name: str, vat: str, postal: address.PostalAddress, tax_number: str | None = None) -> dict:
    party = {"name": name, "vat_identifier": vat, "country_code": postal.country}
    if postal.city:
        party["city"] = postal.city
    if postal.postcode:
        party["postcode"] = postal.postcode
    for n, line in enumerate(postal.lines, start=1):
        party[f"addr_l{n}"] = line
    if tax_number:
        party["tax_identifier"] = tax_number
    return party


def en16931(
    config: TenantConfig,
    invoice: InvoiceRow,
    settled: Settlement,
    customer: CustomerRow,
    lines: list[LineRow],
) -> dict:
    """The data dict of ``facturx.generate_xml`` (business-term keys) for this invoice."""
    seller: EInvoicingConfig = config.e_invoicing
    postal = check(invoice, customer, lines, seller.format)
    f = facts(invoice, settled)
    cur = invoice.currency
    lines = lines or [
        LineRow(1, f"Invoice {invoice.number}", 1, invoice.subtotal, invoice.subtotal, invoice.tax)
    ]
    breakdown: dict[Decimal, list[int]] = defaultdict(lambda: [0, 0])
    items = []
    for line in lines:
        rate = _rate(line)
        breakdown[rate][0] += line.amount
        breakdown[rate][1] += line.tax
        quantity = Decimal(str(line.quantity or 1))
        price = Decimal(line.amount).scaleb(-exponent(cur)) / quantity if quantity else Decimal(0)
        items.append({
            "BT-126": str(line.position), "BT-129": f"{quantity:.4f}", "BT-130": UNIT,
            "BT-131": _amount(line.amount, cur), "BT-146": f"{price:.4f}",
            "BT-151": "S" if rate else "Z", "BT-152": f"{rate:.2f}",
            "BT-153": (line.description or f"Line {line.position}")[:200],
        })  # fmt: skip
    # The stored invoice tax is the total (the PDF's); each rate's tax is its lines' tax.
    vat = [
        {"BT-116": _amount(net, cur), "BT-117": _amount(tax, cur), "BT-118": "S" if rate else "Z",
         "BT-119": f"{rate:.2f}"}
        for rate, (net, tax) in sorted(breakdown.items())
    ]  # fmt: skip
    seller_postal = address.PostalAddress(
        (seller.address.street,), seller.address.postcode, seller.address.city, seller.address.country
    )
    sell = _party(seller.legal_name or config.name, seller.vat_id, seller_postal, seller.tax_number)
    if seller.contact_name:
        sell["contacts"] = [{"name": seller.contact_name, "phone": seller.contact_phone,
                             "email": seller.contact_email}]  # fmt: skip
    data = {
        "BT-1": invoice.number, "BT-2": invoice.issue_date, "BT-3": INVOICE, "BT-5": cur,
        "BT-9": invoice.due_date, "BT-24": EN16931, "BT-72": invoice.issue_date,
        "BT-10": invoice.po_number or customer.account_number,
        "BG-4": sell,
        "BG-7": _party(customer.legal_name, customer.tax_id.replace(" ", ""), postal),
        "BT-81": CREDIT_TRANSFER, "BT-83": invoice.number, "BT-84": seller.iban,
        "BT-20": seller.payment_terms or f"Payable by {invoice.due_date.isoformat()}",
        "BT-106": _amount(sum(line.amount for line in lines), cur), "BT-109": _amount(f.net, cur),
        "BT-110": _amount(f.tax, cur), "BT-112": _amount(f.total, cur), "BT-113": _amount(f.paid, cur),
        "BT-115": _amount(f.due, cur),
        "BG-23": vat, "BG-25": items,
    }  # fmt: skip
    if invoice.po_number:
        data["BT-13"] = invoice.po_number
    if seller.format == "xrechnung-ubl":
        data["BT-23"] = PEPPOL_BILLING
    if seller.bic:
        data["BT-86"] = seller.bic
    if customer.billing_email:
        data["BG-7"]["einvoicing_addr"] = customer.billing_email
        data["BG-7"]["einvoicing_addr_schemeid"] = "EM"
    if seller.contact_email:
        data["BG-4"]["einvoicing_addr"] = seller.contact_email
        data["BG-4"]["einvoicing_addr_schemeid"] = "EM"
    return data
