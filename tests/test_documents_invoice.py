"""Invoice PDFs: every amount printed matches the data, and nobody outside the scope gets one."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.documents import service
from app.errors import NotFound
from app.scope import PrincipalKind, Scope
from tests import documents_data as data
from tests.documents_data import pdf_text


async def _given_an_invoice_part_credited_and_part_paid(scope_a, scope_b):
    cust = await data.customer(
        scope_a,
        "NW-0042",
        "Société Générale Île-de-France",
        billing_address="29 Boulevard Haussmann\n75009 Paris\nFrance",
        tax_id="FR 12 345678901",
    )
    inv = await data.invoice(
        scope_a,
        cust,
        "INV-000123",
        date(2026, 5, 4),
        date(2026, 6, 3),
        125000,
        tax=10000,
        lines=[("Widget A, 10 mm", "10", 5000), ("Gadget B", "2", 32500)],
        po_number="PO-7781",
    )
    await data.credit_note(scope_a, cust, "CN-9", date(2026, 5, 10), 15000, (inv, 15000, date(2026, 5, 10)))
    await data.payment(scope_a, cust, date(2026, 5, 20), 30000, (inv, 30000, date(2026, 5, 20)))
    await data.write_off(scope_a, inv, date(2026, 5, 25), 5000)
    # Tenant B has an invoice with the same number: it must never be what tenant A's download shows.
    other = await data.customer(scope_b, "NW-0042", "Andere GmbH", currency="EUR")
    other_inv = await data.invoice(scope_b, other, "INV-000123", date(2026, 5, 4), date(2026, 6, 3), 777700)
    return cust, inv, other_inv


async def test_given_an_invoice_when_rendered_then_every_amount_and_detail_is_printed(scope_a, scope_b):
    _, inv, _ = await _given_an_invoice_part_credited_and_part_paid(scope_a, scope_b)

    document = await service.invoice_pdf(scope_a, inv.id)
    text = pdf_text(document.content)

    assert document.filename == "INV-000123.pdf"
    assert document.content.startswith(b"%PDF")
    for expected in [
        "Northwind Components Ltd",
        "400 Market Street",
        "EIN 36-4829151",
        "Société Générale Île-de-France",
        "29 Boulevard Haussmann",
        "75009 Paris",
        "FR 12 345678901",
        "Invoice INV-000123",
        "PO number PO-7781",
        "Issue date May 4, 2026",
        "Due date Jun 3, 2026",
        "Widget A, 10 mm 10 $50.00 $0.00 $500.00",
        "Gadget B 2 $325.00 $0.00 $650.00",
        "Subtotal $1,150.00",
        "Tax $100.00",
        "Total $1,250.00",
        "Credited $150.00",
        "Paid $300.00",
        "Written off $50.00",
        "Balance due $750.00",
        "Pay $750.00 by Jun 3, 2026",
        "https://northwind.localhost/portal/invoices/",
        "First Lakeshore Bank",
        "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert "7,777.00" not in text and "Andere" not in text


async def test_given_another_tenants_invoice_when_downloading_then_it_is_not_found(scope_a, scope_b):
    _, inv, other_inv = await _given_an_invoice_part_credited_and_part_paid(scope_a, scope_b)

    with pytest.raises(NotFound):
        await service.prepare_invoice(scope_a, other_inv.id)
    with pytest.raises(NotFound):
        await service.prepare_invoice(scope_b, inv.id)


async def test_given_a_contact_scope_when_downloading_then_only_its_own_accounts_invoices_exist(
    scope_a, scope_b
):
    cust, inv, _ = await _given_an_invoice_part_credited_and_part_paid(scope_a, scope_b)
    neighbour = await data.customer(scope_a, "NW-0043", "Neighbour Inc")
    theirs = await data.invoice(scope_a, neighbour, "INV-000124", date(2026, 5, 4), date(2026, 6, 3), 5000)
    contact = Scope(scope_a.tenant_id, "northwind", PrincipalKind.CONTACT, "contact:ap@sg.example",
                    customer_ids=frozenset({cust.id}))  # fmt: skip

    own = await service.prepare_invoice(contact, inv.id)

    assert own.filename == "INV-000123.pdf"
    with pytest.raises(NotFound):
        await service.prepare_invoice(contact, theirs.id)
    with pytest.raises(NotFound):
        await service.prepare_statement(contact, neighbour.id)


async def test_given_changed_data_when_preparing_again_then_the_etag_changes(scope_a, scope_b):
    cust, inv, _ = await _given_an_invoice_part_credited_and_part_paid(scope_a, scope_b)
    before = await service.prepare_invoice(scope_a, inv.id)

    again = await service.prepare_invoice(scope_a, inv.id)
    await data.payment(scope_a, cust, date(2026, 5, 21), 100, (inv, 100, date(2026, 5, 21)))
    after = await service.prepare_invoice(scope_a, inv.id)

    assert again.etag == before.etag
    assert after.etag != before.etag
    assert dataclasses.replace(before, etag="").view != after.view
