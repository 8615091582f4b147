"""Dunning fees and interest billed as invoices through the ingest path (``invoice_charges``), and the print
queue of letter steps: listed, downloaded as one PDF, marked printed once. Two tenants throughout."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from app.collections import dunning
from app.collections import repository as collections_repository
from app.db.scoping import scoped
from app.ids import encode_id
from app.models import DunningMessage, Invoice
from app.models.enums import StaffRole
from app.receivables import settlement
from app.tenancy.dunning import DunningConfig
from tests import builders
from tests.documents_data import pdf_pages
from tests.helpers import gql, make_token

AS_OF = date(2026, 6, 30)

LETTERS = """
query($printed: Boolean!) { dunningLetters(printed: $printed, first: 10) { totalCount edges { node {
  id customerId channel step printedAt printedBy lines { number } } } } }"""
PRINT_URL = "query($ids: [ID!]) { dunningLettersPdfUrl(ids: $ids) }"
MARK = """
mutation($input: MarkDunningLettersPrintedInput!) { markDunningLettersPrinted(input: $input) {
  letters { id printedAt printedBy } userErrors { field code message } } }"""


def _with_dunning(config, **dunning_config):
    """The tenant's config with its ``[dunning]`` replaced (validated as the tenant file would be)."""
    return config.model_copy(update={"dunning": DunningConfig.model_validate(dunning_config)})


def _charging(config):
    return _with_dunning(
        config,
        invoice_charges=True,
        charges_due_days=14,
        policies=[
            {
                "name": "standard",
                "steps": [
                    {"name": "reminder", "offset_days": 7},
                    {"name": "final", "offset_days": 45, "attachment": "letter", "fee": "40.00",
                     "interest_rate": "8"},
                ],
            }
        ],
    )  # fmt: skip


def _lettering(config):
    return _with_dunning(
        config,
        policies=[
            {
                "name": "standard",
                "steps": [
                    {"name": "reminder", "offset_days": 7},
                    {"name": "letter", "offset_days": 30, "channel": "letter", "fee": "15.00"},
                ],
            }
        ],
    )


async def _charge_invoices(scope) -> list[Invoice]:
    return await scoped(Invoice, scope).filter(external_id__startswith="dunning-charge:").order_by("id")


async def test_fee_and_interest_are_billed_once_as_an_invoice_through_ingest(registry, scope_a, scope_b):
    # Given 1,000.00 due 50 days ago: the final step's fee 40.00 and interest 1,000 x 8 % x 50/365 = 10.96
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 100000, "2026-04-11", "2026-05-11", number="LATE-1")
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR", billing_email="k@kunde.example")
    await builders.invoice(scope_b, kunde, 100000, "2026-04-11", "2026-05-11", currency="EUR")
    northwind = _charging(registry.require("northwind").config)

    report = await dunning.run(scope_a, northwind, AS_OF)
    again = await dunning.run(scope_a, northwind, AS_OF)
    theirs = await dunning.run(scope_b, registry.require("cloudly").config, AS_OF)  # charges not invoiced

    (out,) = report.sent
    (charge,) = await _charge_invoices(scope_a)
    message = await collections_repository.message(scope_a, out.message_id)
    assert (charge.number, charge.external_id, charge.customer_id) == (
        f"DUN-{out.message_id}",
        f"dunning-charge:{out.message_id}:USD",
        acme.id,
    )
    assert (charge.issue_date, charge.due_date, charge.currency, charge.total) == (
        AS_OF,
        date(2026, 7, 14),
        "USD",
        5096,
    )
    lines = await charge.lines.all().order_by("position")
    assert [(li.description, li.amount) for li in lines] == [
        ("Dunning fee (final)", 4000),
        ("Interest at 8 % a year from the due date on LATE-1, to 2026-06-30", 1096),
    ]
    assert message.charge_invoice_ids == [charge.id]
    assert again.sent == [] and len(await _charge_invoices(scope_a)) == 1
    assert theirs.sent and await _charge_invoices(scope_b) == []
    # It is owed like any invoice: the maintained open sums include it (the db fixture checks no drift).
    assert not await settlement.drift(scope_a.tenant_id)


async def test_a_run_that_fails_bills_nothing(registry, scope_a, scope_b, monkeypatch):
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 100000, "2026-04-11", "2026-05-11", number="LATE-1")
    await builders.customer(scope_b, "Theirs")

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(collections_repository, "finish_run", broken)
    with pytest.raises(RuntimeError):
        await dunning.run(scope_a, _charging(registry.require("northwind").config), AS_OF)

    assert await _charge_invoices(scope_a) == []
    assert await scoped(DunningMessage, scope_a).count() == 0


def test_billing_interest_at_two_steps_is_refused_at_start_up():
    steps = [
        {"name": "reminder", "offset_days": 7, "interest_rate": "5"},
        {"name": "final", "offset_days": 45, "interest_rate": "8"},
    ]
    DunningConfig.model_validate({"policies": [{"name": "standard", "steps": steps}]})  # shown only: fine

    with pytest.raises(ValidationError, match="policy 'standard': with invoice_charges only one step"):
        DunningConfig.model_validate(
            {"invoice_charges": True, "policies": [{"name": "standard", "steps": steps}]}
        )
    with pytest.raises(ValidationError, match="charges_number_prefix"):
        DunningConfig.model_validate({"charges_number_prefix": "DUN 1"})


async def test_letters_queue_for_printing_download_as_one_file_and_are_marked_printed_once(
    client, registry, scope_a, scope_b
):
    # Given two customers of A at the letter step (+30) and one of B's
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 100000, "2026-04-11", "2026-05-31", number="ACME-1")
    bolt = await builders.customer(scope_a, "Bolt")  # no email: a letter needs none
    await builders.invoice(scope_a, bolt, 20000, "2026-04-11", "2026-05-30", number="BOLT-1")
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR")
    await builders.invoice(scope_b, kunde, 50000, "2026-04-11", "2026-05-30", currency="EUR")
    await dunning.run(scope_a, _lettering(registry.require("northwind").config), AS_OF)
    (theirs,) = (await dunning.run(scope_b, _lettering(registry.require("cloudly").config), AS_OF)).sent
    viewer = await make_token("northwind", StaffRole.VIEWER)
    collector = await make_token("northwind", StaffRole.COLLECTIONS)

    queued = (await gql(client, LETTERS, viewer, {"printed": False})).json()["data"]["dunningLetters"]
    nodes = [e["node"] for e in queued["edges"]]
    assert queued["totalCount"] == 2
    assert [(n["customerId"], n["channel"], n["step"], n["lines"][0]["number"]) for n in nodes] == [
        (encode_id("Customer", acme.id), "letter", "letter", "ACME-1"),
        (encode_id("Customer", bolt.id), "letter", "letter", "BOLT-1"),
    ]
    ids = [n["id"] for n in nodes]

    # The print file: every queued letter, each its own pages, in queue order
    url = (await gql(client, PRINT_URL, viewer, {"ids": None})).json()["data"]["dunningLettersPdfUrl"]
    answer = await client.get(url, headers={"Authorization": f"Bearer {viewer}"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    pages = pdf_pages(answer.content)
    assert len(pages) == 2 and "ACME-1" in pages[0] and "BOLT-1" in pages[1]
    assert "$15.00" in pages[0]
    foreign = encode_id("DunningMessage", theirs.message_id)
    named = (await gql(client, PRINT_URL, viewer, {"ids": [ids[1], foreign]})).json()
    refused = await client.get(
        named["data"]["dunningLettersPdfUrl"], headers={"Authorization": f"Bearer {viewer}"}
    )
    assert refused.status_code == 404  # another tenant's letter does not exist here

    # Marking: a viewer may not; another tenant's id refuses the lot; a collector marks once
    denied = (await gql(client, MARK, viewer, {"input": {"ids": ids}})).json()
    mixed = (await gql(client, MARK, collector, {"input": {"ids": [ids[0], foreign]}})).json()
    first = (await gql(client, MARK, collector, {"input": {"ids": [ids[0]]}})).json()
    second = (await gql(client, MARK, collector, {"input": {"ids": ids}})).json()

    assert denied["errors"][0]["extensions"]["code"] == "forbidden"
    assert mixed["data"]["markDunningLettersPrinted"]["userErrors"][0]["code"] == "not_found"
    (marked,) = first["data"]["markDunningLettersPrinted"]["letters"]
    assert marked["printedBy"] == "token:collections-token" and marked["printedAt"]
    again = second["data"]["markDunningLettersPrinted"]["letters"]
    assert again[0] == marked  # the first marking stands
    assert again[1]["printedAt"] is not None
    left = (await gql(client, LETTERS, viewer, {"printed": False})).json()["data"]["dunningLetters"]
    printed = (await gql(client, LETTERS, viewer, {"printed": True})).json()["data"]["dunningLetters"]
    assert left["totalCount"] == 0 and printed["totalCount"] == 2
    empty = await client.get("/documents/dunning-letters.pdf", headers={"Authorization": f"Bearer {viewer}"})
    assert empty.status_code == 404
    cloudly = await make_token("cloudly", StaffRole.VIEWER)
    still = (await gql(client, LETTERS, cloudly, {"printed": False})).json()["data"]["dunningLetters"]
    assert still["totalCount"] == 1  # B's letter was never touched
