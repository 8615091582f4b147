"""Importing ERP batches: stored rows, all-or-nothing, idempotent upserts, updates, tenant isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.errors import ValidationFailed
from app.ingest import repository
from app.ingest.export import export_batch
from app.ingest.service import import_batch
from app.ingest.tables import CHILDREN, TABLES
from tests.ingest_batches import with_everything, worked_example


def created(result) -> dict[str, int]:
    return {t: c.created for t, c in result.counts.items() if c.created}


def allocated_payment(external_id: str, invoice: str, amount: str) -> dict:
    """A payment from customer A on 2026-07-01 allocated in full to one invoice."""
    return {
        "externalId": external_id,
        "customer": "A",
        "receivedDate": "2026-07-01",
        "currency": "USD",
        "amount": amount,
        "allocations": [{"invoice": invoice, "amount": amount}],
    }


async def rows(scope, record_type: str) -> list[dict]:
    return await repository.export_rows(scope, TABLES[record_type])


async def test_given_the_worked_example_when_imported_then_the_stored_rows_match_metrics_md(scope_a, scope_b):
    result = await import_batch(scope_a, worked_example())

    assert created(result) == {"fxRates": 1, "customers": 1, "invoices": 3, "creditNotes": 1, "payments": 2}
    invoices = {r["number"]: r for r in await rows(scope_a, "invoices")}
    assert {n: (r["issue_date"], r["due_date"], r["total"], r["currency"]) for n, r in invoices.items()} == {
        "INV-1": (dt.date(2026, 3, 1), dt.date(2026, 3, 31), 100000, "USD"),
        "INV-2": (dt.date(2026, 6, 1), dt.date(2026, 7, 1), 250000, "USD"),
        "INV-3": (dt.date(2026, 5, 1), dt.date(2026, 5, 31), 80000, "USD"),
    }
    (customer,) = await rows(scope_a, "customers")
    assert {r["customer_id"] for r in invoices.values()} == {customer["id"]}
    assert customer["credit_limit"] == 1000000 and customer["risk_rating"] == "B"
    payments = {r["external_id"]: r for r in await rows(scope_a, "payments")}
    assert {k: (r["amount"], r["received_date"]) for k, r in payments.items()} == {
        "PAY-1": (40000, dt.date(2026, 4, 15)),
        "PAY-2": (15000, dt.date(2026, 6, 20)),
    }
    allocations = await repository.children_of(
        scope_a, CHILDREN["payments"], [p["id"] for p in payments.values()]
    )
    assert allocations == {payments["PAY-1"]["id"]: [(invoices["INV-1"]["id"], 40000, dt.date(2026, 4, 15))]}
    (note,) = await rows(scope_a, "creditNotes")
    applications = await repository.children_of(scope_a, CHILDREN["creditNotes"], [note["id"]])
    assert applications == {note["id"]: [(invoices["INV-3"]["id"], 20000, dt.date(2026, 6, 10))]}
    (rate,) = await rows(scope_a, "fxRates")
    assert (rate["currency"], rate["date"], rate["rate"]) == ("EUR", dt.date(2026, 6, 30), Decimal("1.08"))
    # The other tenant sees none of it.
    assert await export_batch(scope_b) == {}


async def test_given_lines_when_imported_then_totals_are_derived_half_even_per_line(scope_a):
    batch = with_everything()

    await import_batch(scope_a, batch)

    invoice = next(r for r in await rows(scope_a, "invoices") if r["number"] == "INV-4")
    lines = await repository.children_of(scope_a, CHILDREN["invoices"], [invoice["id"]])
    # 2.5 x 3.33 = 8.325 -> 8.32 (half-even); 1 x 12.00 = 12.00; tax 1.58.
    assert [line[4] for line in lines[invoice["id"]]] == [832, 1200]
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == (2032, 158, 2190)


async def test_given_one_bad_record_in_the_middle_when_imported_then_nothing_changes(scope_a):
    await import_batch(scope_a, worked_example())
    before = await export_batch(scope_a)
    batch = worked_example()
    batch["customers"][0]["name"] = "Renamed A"
    batch["invoices"].insert(
        1, dict(batch["invoices"][0], externalId="INV-9", number="INV-9", customer="NOPE")
    )
    batch["invoices"].append(dict(batch["invoices"][0], externalId="INV-10", number="INV-10"))

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, batch)

    assert [(p.record_type, p.index, p.field, p.code) for p in failure.value.problems] == [
        ("invoices", 1, "customer", "unknown_customer")
    ]
    assert await export_batch(scope_a) == before


async def test_given_an_imported_batch_when_imported_again_then_everything_is_unchanged(scope_a):
    batch = with_everything()
    await import_batch(scope_a, batch)

    again = await import_batch(scope_a, with_everything())

    assert again.rows_written == 0
    assert {t: (c.created, c.updated) for t, c in again.counts.items()} == {t: (0, 0) for t in again.counts}
    assert sum(c.unchanged for c in again.counts.values()) == sum(len(v) for v in batch.values())


async def test_given_changed_records_when_imported_then_only_they_are_updated(scope_a):
    await import_batch(scope_a, worked_example())
    batch = worked_example()
    batch["invoices"][1]["lines"][0]["quantity"] = "12"  # INV-2 grows to 3,000.00
    del batch["invoices"][1]["total"]
    batch["payments"][1]["allocations"] = [{"invoice": "INV-2", "amount": "150.00"}]
    batch["customers"][0]["contacts"][0]["role"] = "admin"

    result = await import_batch(scope_a, batch)

    assert {t: c.updated for t, c in result.counts.items() if c.updated} == {
        "customers": 1,
        "invoices": 1,
        "payments": 1,
    }
    exported = await export_batch(scope_a)
    inv2 = next(i for i in exported["invoices"] if i["number"] == "INV-2")
    assert inv2["total"] == "3000.00" and inv2["lines"][0]["quantity"] == "12"
    pay2 = next(p for p in exported["payments"] if p["externalId"] == "PAY-2")
    assert pay2["allocations"] == [{"invoice": "INV-2", "amount": "150.00", "date": "2026-06-20"}]
    assert exported["customers"][0]["contacts"][0]["role"] == "admin"


async def test_given_an_allocated_invoice_when_its_total_drops_below_what_is_settled_then_it_is_refused(
    scope_a,
):
    await import_batch(scope_a, worked_example())
    batch = {"invoices": [worked_example()["invoices"][0]]}
    batch["invoices"][0]["lines"][0]["unitPrice"] = "300.00"  # 400.00 is already allocated to INV-1
    del batch["invoices"][0]["total"]

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, batch)

    (problem,) = failure.value.problems
    assert (problem.record_type, problem.index, problem.field, problem.code) == (
        "invoices",
        0,
        "total",
        "total_below_settled",
    )
    assert "400.00 USD" in problem.message


async def test_given_a_stored_invoice_when_a_later_batch_overpays_it_then_the_payment_is_refused(scope_a):
    await import_batch(scope_a, worked_example())
    late = {"payments": [allocated_payment("PAY-3", "INV-1", "650.00")]}

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, late)

    assert [(p.field, p.code) for p in failure.value.problems] == [
        ("allocations[0].amount", "amount_over_open")
    ]
    late["payments"][0]["allocations"][0]["amount"] = "600.00"
    assert (await import_batch(scope_a, late)).counts["payments"].created == 1


async def test_given_colliding_external_ids_when_tenant_b_imports_then_tenant_a_is_untouched(
    scope_a, scope_b
):
    await import_batch(scope_a, worked_example())
    before_a = await export_batch(scope_a)
    batch_b = worked_example()
    for invoice in batch_b["invoices"]:
        invoice["currency"] = "EUR"
        invoice["lines"][0]["unitPrice"] = "1.00"
        del invoice["total"]
    for record in batch_b["creditNotes"] + batch_b["payments"]:
        record["currency"] = "EUR"
    batch_b["creditNotes"][0]["amount"] = batch_b["creditNotes"][0]["appliesTo"][0]["amount"] = "1.00"
    batch_b["payments"][0]["amount"] = batch_b["payments"][0]["allocations"][0]["amount"] = "1.00"

    result = await import_batch(scope_b, batch_b)

    assert sum(c.created for c in result.counts.values()) == 8
    assert await export_batch(scope_a) == before_a
    exported_b = await export_batch(scope_b)
    assert {i["currency"] for i in exported_b["invoices"]} == {"EUR"}


async def test_given_references_to_another_tenants_rows_when_imported_then_they_are_unknown(scope_a, scope_b):
    await import_batch(scope_a, worked_example())
    intruder = {
        "payments": [allocated_payment("PAY-X", "INV-1", "10.00")],
        "writeOffs": [{"externalId": "WO-X", "invoice": "INV-2", "date": "2026-07-01", "amount": "5.00"}],
    }

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_b, intruder)

    assert sorted((p.record_type, p.field, p.code) for p in failure.value.problems) == [
        ("payments", "allocations[0].invoice", "unknown_invoice"),
        # A USD payment in cloudly (base EUR), which has no USD rate: refused on its own account too.
        ("payments", "currency", "fx_rate_missing"),
        ("payments", "customer", "unknown_customer"),
        ("writeOffs", "invoice", "unknown_invoice"),
    ]
    assert await export_batch(scope_b) == {}


async def test_given_records_of_every_type_when_exported_then_reimport_and_another_tenant_agree(
    scope_a, scope_b
):
    await import_batch(scope_a, with_everything())
    exported = await export_batch(scope_a)

    again = await import_batch(scope_a, exported)
    await import_batch(scope_b, exported)

    assert sum(c.created + c.updated for c in again.counts.values()) == 0
    assert await export_batch(scope_b) == exported
    assert exported["invoices"][3]["lines"] == [
        {"description": "Fuses", "quantity": "2.5", "unitPrice": "3.33", "taxAmount": "1.58", "cost": "5.10"},
        {"description": "Freight", "quantity": "1", "unitPrice": "12.00", "taxAmount": "0.00"},
    ]
    assert exported["customers"][1]["parent"] == "A"


async def test_given_a_viewer_scope_when_importing_then_permission_is_denied(scope_a):
    import dataclasses

    from app.errors import PermissionDenied
    from app.models.enums import StaffRole

    with pytest.raises(PermissionDenied):
        await import_batch(dataclasses.replace(scope_a, role=StaffRole.VIEWER), worked_example())
