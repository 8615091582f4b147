"""Every validation code of the ingest path, each on the record, index and field it names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.errors import ValidationFailed
from app.ingest.export import export_batch
from app.ingest.format import read_files
from app.ingest.service import import_batch
from tests.ingest_batches import worked_example

Batch = dict


def _customer_b(batch: Batch, **overrides) -> None:
    batch["customers"].append(
        {"externalId": "B", "accountNumber": "ACC-B", "name": "Customer B", "currency": "USD", **overrides}
    )


def _pay(batch: Batch, **fields) -> None:
    payment = {"externalId": "PAY-9", "customer": "A", "receivedDate": "2026-06-25", "currency": "USD"}
    batch["payments"].append({**payment, **fields})


def _set(path: tuple, value) -> Callable[[Batch], None]:
    def change(batch: Batch) -> None:
        target = batch
        for key in path[:-1]:
            target = target[key]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


DELETE = object()

CASES: list[tuple[str, Callable[[Batch], None], tuple]] = [
    (
        "unknown customer",
        _set(("invoices", 0, "customer"), "Z"),
        ("invoices", 0, "customer", "unknown_customer"),
    ),
    ("unknown parent", _set(("customers", 0, "parent"), "Z"), ("customers", 0, "parent", "unknown_customer")),
    ("own parent", _set(("customers", 0, "parent"), "A"), ("customers", 0, "parent", "invalid_parent")),
    (
        "duplicate number",
        _set(("invoices", 1, "number"), "INV-1"),
        ("invoices", 1, "number", "duplicate_number"),
    ),
    (
        "duplicate credit note number",
        lambda b: b["creditNotes"].append(dict(b["creditNotes"][0], externalId="CN-2", appliesTo=[])),
        ("creditNotes", 1, "number", "duplicate_number"),
    ),
    (
        "duplicate external id",
        lambda b: b["invoices"].append(dict(b["invoices"][0], number="INV-99")),
        ("invoices", 3, None, "duplicate_external_id"),
    ),
    (
        "duplicate account number",
        lambda b: _customer_b(b, accountNumber="ACC-A"),
        ("customers", 1, "accountNumber", "duplicate_account_number"),
    ),
    (
        "duplicate fx rate",
        lambda b: b["fxRates"].append(dict(b["fxRates"][0])),
        ("fxRates", 1, None, "duplicate_key"),
    ),
    (
        "amount over what is open",
        lambda b: _pay(b, amount="700.00", allocations=[{"invoice": "INV-1", "amount": "700.00"}]),
        ("payments", 2, "allocations[0].amount", "amount_over_open"),
    ),
    (
        "allocations over the payment",
        lambda b: _pay(b, amount="10.00", allocations=[{"invoice": "INV-2", "amount": "20.00"}]),
        ("payments", 2, "allocations", "over_allocated"),
    ),
    (
        "currency mismatch",
        lambda b: _pay(
            b, currency="EUR", amount="10.00", allocations=[{"invoice": "INV-2", "amount": "10.00"}]
        ),
        ("payments", 2, "allocations[0].invoice", "currency_mismatch"),
    ),
    (
        "allocation to another customer's invoice",
        lambda b: (
            _customer_b(b),
            _pay(b, customer="B", amount="10.00", allocations=[{"invoice": "INV-2", "amount": "10.00"}]),
        ),
        ("payments", 2, "allocations[0].invoice", "other_customer_invoice"),
    ),
    (
        "allocation dated before the invoice",
        lambda b: _pay(
            b, receivedDate="2026-05-01", amount="1.00", allocations=[{"invoice": "INV-2", "amount": "1.00"}]
        ),
        ("payments", 2, "allocations[0].date", "date_before_issue"),
    ),
    (
        "allocation dated before the payment",
        lambda b: _pay(
            b, amount="1.00", allocations=[{"invoice": "INV-2", "amount": "1.00", "date": "2026-06-21"}]
        ),
        ("payments", 2, "allocations[0].date", "date_before_document"),
    ),
    (
        "write-off dated before the invoice",
        lambda b: b.setdefault("writeOffs", []).append(
            {"externalId": "WO-1", "invoice": "INV-2", "date": "2026-05-01", "amount": "1.00"}
        ),
        ("writeOffs", 0, "date", "date_before_issue"),
    ),
    (
        "write-off of an unknown invoice",
        lambda b: b.setdefault("writeOffs", []).append(
            {"externalId": "WO-1", "invoice": "INV-404", "date": "2026-07-01", "amount": "1.00"}
        ),
        ("writeOffs", 0, "invoice", "unknown_invoice"),
    ),
    (
        "due before issue",
        _set(("invoices", 0, "dueDate"), "2026-02-01"),
        ("invoices", 0, "dueDate", "due_before_issue"),
    ),
    (
        "malformed decimal",
        _set(("invoices", 0, "lines", 0, "unitPrice"), "1.000,00"),
        ("invoices", 0, "lines[0].unitPrice", "invalid_decimal"),
    ),
    (
        "more decimals than the currency",
        _set(("payments", 1, "amount"), "150.001"),
        ("payments", 1, "amount", "invalid_decimal"),
    ),
    ("float money", _set(("payments", 1, "amount"), 150.5), ("payments", 1, "amount", "invalid_decimal")),
    (
        "unknown currency",
        _set(("payments", 1, "currency"), "USX"),
        ("payments", 1, "currency", "unknown_currency"),
    ),
    (
        "malformed date",
        _set(("invoices", 0, "issueDate"), "2026-02-30"),
        ("invoices", 0, "issueDate", "invalid_date"),
    ),
    ("total disagrees", _set(("invoices", 0, "total"), "999.99"), ("invoices", 0, "total", "total_mismatch")),
    ("missing number", _set(("invoices", 0, "number"), DELETE), ("invoices", 0, "number", "required")),
    ("no lines", _set(("invoices", 0, "lines"), []), ("invoices", 0, "lines", "required")),
    (
        "unknown method",
        _set(("payments", 0, "method"), "barter"),
        ("payments", 0, "method", "invalid_choice"),
    ),
    ("unknown field", _set(("payments", 0, "colour"), "red"), ("payments", 0, "colour", "unknown_field")),
    (
        "negative amount",
        _set(("payments", 1, "amount"), "-1.00"),
        ("payments", 1, "amount", "must_be_positive"),
    ),
    ("bad country", _set(("customers", 0, "country"), "us"), ("customers", 0, "country", "invalid_country")),
    (
        "too long",
        _set(("customers", 0, "accountNumber"), "X" * 51),
        ("customers", 0, "accountNumber", "too_long"),
    ),
    (
        "bad terms",
        _set(("customers", 0, "paymentTermsDays"), "soon"),
        ("customers", 0, "paymentTermsDays", "invalid_integer"),
    ),
    (
        "bad email",
        _set(("customers", 0, "contacts", 0, "email"), "not-an-email"),
        ("customers", 0, "contacts[0].email", "invalid_email"),
    ),
    (
        "one contact, two names",
        lambda b: _customer_b(b, contacts=[{"email": "ap@customer-a.example", "name": "Someone Else"}]),
        ("customers", 1, "contacts[0].name", "conflicting_contact"),
    ),
    (
        "text instead of list",
        _set(("invoices", 0, "lines"), "many"),
        ("invoices", 0, "lines", "invalid_type"),
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_given_a_bad_record_when_imported_then_the_problem_names_it_and_nothing_is_written(
    scope_a, scope_b, change, expected
):
    batch = worked_example()
    change(batch)

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, batch)

    found = [(p.record_type, p.index, p.field, p.code) for p in failure.value.problems]
    assert expected in found
    assert await export_batch(scope_a) == {} and await export_batch(scope_b) == {}


async def test_given_many_bad_records_when_imported_then_every_problem_is_reported_at_once(scope_a):
    batch = worked_example()
    batch["invoices"][0]["customer"] = "Z"
    batch["invoices"][2]["currency"] = "ZZZ"
    batch["payments"][1]["amount"] = "abc"

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, batch)

    assert {(p.record_type, p.index, p.code) for p in failure.value.problems} >= {
        ("invoices", 0, "unknown_customer"),
        ("invoices", 2, "unknown_currency"),
        ("payments", 1, "invalid_decimal"),
    }


async def test_given_an_invoice_with_payments_when_its_customer_changes_then_it_is_refused(scope_a):
    batch = worked_example()
    _customer_b(batch)
    await import_batch(scope_a, batch)
    moved = {"invoices": [dict(worked_example()["invoices"][0], customer="B")]}

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, moved)

    assert [(p.field, p.code) for p in failure.value.problems] == [("customer", "settled_invoice_changed")]


async def test_given_numbers_held_by_stored_rows_the_batch_does_not_name_then_they_are_duplicates(scope_a):
    await import_batch(scope_a, worked_example())
    newcomer = {
        "customers": [{"externalId": "N", "accountNumber": "ACC-A", "name": "New", "currency": "USD"}],
        "invoices": [dict(worked_example()["invoices"][0], externalId="INV-NEW", customer="N")],
    }

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, newcomer)

    assert sorted((p.record_type, p.field, p.code) for p in failure.value.problems) == [
        ("customers", "accountNumber", "duplicate_account_number"),
        ("invoices", "number", "duplicate_number"),
    ]


def test_given_csv_rows_when_read_then_problems_name_file_and_line(tmp_path):
    (tmp_path / "invoices.csv").write_text("externalId,number\nINV-1,INV-1\n", encoding="utf-8")
    (tmp_path / "invoice_lines.csv").write_text(
        "invoice,unitPrice\nINV-1,1.00\nINV-2,2.00\n", encoding="utf-8"
    )
    (tmp_path / "colours.csv").write_text("a\n1\n", encoding="utf-8")

    with pytest.raises(ValidationFailed) as failure:
        read_files(sorted(tmp_path.iterdir()))

    assert sorted((p.location, p.code) for p in failure.value.problems) == [
        ("file", "unknown_record_type"),
        ("invoice_lines.csv:3", "unknown_parent"),
    ]


async def test_given_a_csv_record_when_it_is_bad_then_the_problem_names_its_line(scope_a, tmp_path):
    (tmp_path / "customers.csv").write_text(
        "externalId,accountNumber,name,currency\nA,ACC-A,Customer A,USD\nB,ACC-B,Customer B,EURO\n",
        encoding="utf-8",
    )

    with pytest.raises(ValidationFailed) as failure:
        await import_batch(scope_a, read_files([tmp_path / "customers.csv"]))

    assert [(p.location, p.field, p.code) for p in failure.value.problems] == [
        ("customers.csv:3", "currency", "unknown_currency")
    ]
