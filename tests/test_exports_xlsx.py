"""XLSX exports beside the CSV ones: the same rows as the API for the same as-of date, as real numbers
with currency formats, dates as dates, a frozen header, an autofilter and column widths; the caller's
tenant only."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl

from app.models.enums import StaffRole
from app.reports import tables
from tests import builders
from tests.helpers import gql, make_token

INVOICES = """query ($asOf: Date!) { invoices(first: 100, asOf: $asOf, orderBy: NUMBER) {
  edges { node { number total { amount currencyCode } openAmount { amount } dueDate daysPastDue } } } }"""


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def other_tenant(scope_b):
    """Cloudly's own EUR customer: none of its rows may show up in a northwind export."""
    other = await builders.customer(scope_b, "Other GmbH", currency="EUR", region="North")
    await builders.invoice(
        scope_b, other, 777700, "2026-06-01", "2026-06-15", currency="EUR", number="OTHER-1"
    )
    await builders.payment(scope_b, other, 12300, "2026-06-10", currency="EUR")
    return other


async def test_invoices_xlsx_holds_the_api_open_amounts_as_numbers_and_dates(client, scope_a, scope_b):
    rows = await builders.worked_example(scope_a)
    await other_tenant(scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)
    auth = {"Authorization": f"Bearer {token}"}

    book = workbook(await client.get("/exports/invoices.xlsx?asOf=2026-06-30", headers=auth))
    api = (await gql(client, INVOICES, token, {"asOf": "2026-06-30"})).json()["data"]["invoices"]["edges"]

    sheet = book["invoices"]
    listed = sorted(records(sheet), key=lambda r: r["number"])
    expected = sorted((e["node"] for e in api), key=lambda n: n["number"])
    assert (
        [r["number"] for r in listed]
        == [n["number"] for n in expected]
        == sorted(rows[k].number for k in ("inv1", "inv2", "inv3"))
    )
    for row, node in zip(listed, expected, strict=True):
        assert row["total"] == float(node["total"]["amount"])
        assert row["open_amount"] == float(node["openAmount"]["amount"])
        assert row["due_date"] == datetime.fromisoformat(node["dueDate"])
        assert row["days_past_due"] == node["daysPastDue"]
        assert row["customer"] == "Customer A"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J4"
    assert sheet.column_dimensions["C"].width > 30
    total, issued = sheet["H2"], sheet["F2"]
    assert total.data_type == "n" and total.number_format == '#,##0.00 "USD";-#,##0.00 "USD"'
    assert issued.is_date and issued.number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.b


async def test_invoices_export_reads_keyset_chunks_and_keeps_the_filters(
    client, scope_a, scope_b, monkeypatch
):
    monkeypatch.setattr(tables, "CHUNK", 2)
    c = await builders.customer(scope_a, "Chunky", region="South")
    made = [await builders.invoice(scope_a, c, 1000 * n, "2026-06-01", "2026-06-20") for n in range(1, 6)]
    await builders.payment(scope_a, c, 1000, "2026-06-25", allocate=[(made[0], 1000, "2026-06-25")])
    await builders.invoice(scope_a, c, 999, "2026-07-02", "2026-07-30")  # after the as-of date
    await builders.worked_example(scope_a)  # region North: filtered out
    await other_tenant(scope_b)
    token = await make_token("northwind", StaffRole.FINANCE)
    auth = {"Authorization": f"Bearer {token}"}

    every = await client.get("/exports/invoices.csv?asOf=2026-06-30&region=South", headers=auth)
    open_only = await client.get(
        "/exports/invoices.xlsx?asOf=2026-06-30&region=South&openOnly=true", headers=auth
    )
    before_payment = await client.get(
        "/exports/invoices.xlsx?asOf=2026-06-24&region=South&openOnly=true", headers=auth
    )

    listed = list(csv.DictReader(io.StringIO(every.text)))
    assert [r["number"] for r in listed] == [i.number for i in made]
    assert listed[0]["open_amount"] == "0.00" and listed[1]["open_amount"] == "20.00"
    assert [r["number"] for r in records(workbook(open_only)["invoices"])] == [i.number for i in made[1:]]
    assert len(records(workbook(before_payment)["invoices"])) == 5


async def test_aging_and_customers_xlsx_hold_the_csv_figures_as_numbers(client, scope_a, scope_b):
    await builders.worked_example(scope_a, credit_limit=300000)
    await other_tenant(scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)
    auth = {"Authorization": f"Bearer {token}"}

    for name in ("aging", "customers"):
        text = (await client.get(f"/exports/{name}.csv?asOf=2026-06-30", headers=auth)).text
        book = workbook(await client.get(f"/exports/{name}.xlsx?asOf=2026-06-30", headers=auth))
        as_csv = list(csv.DictReader(io.StringIO(text)))
        as_xlsx = records(book[name])
        assert [r["name"] for r in as_xlsx] == [r["name"] for r in as_csv] == ["Customer A"]
        for column, value in as_csv[0].items():
            cell = as_xlsx[0][column]
            if value and value.replace(".", "").replace("-", "").isdigit() and column != "account_number":
                assert isinstance(cell, int | float) and abs(cell - float(value)) <= 5e-5, (
                    column
                )  # CSV: 4 decimals
            else:
                assert (cell or "") == value, column
    customers = workbook(await client.get("/exports/customers.xlsx?asOf=2026-06-30", headers=auth))[
        "customers"
    ]
    header = [c.value for c in customers[1]]
    utilisation = customers.cell(2, header.index("utilisation") + 1)
    assert utilisation.number_format == "0.00%" and abs(utilisation.value - 3550 / 3000) < 1e-9


async def test_payments_xlsx_lists_the_tenants_payments_received_by_the_as_of_date(client, scope_a, scope_b):
    rows = await builders.worked_example(scope_a)
    await other_tenant(scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)
    auth = {"Authorization": f"Bearer {token}"}

    june = workbook(await client.get("/exports/payments.xlsx?asOf=2026-06-30", headers=auth))["payments"]
    april = workbook(await client.get("/exports/payments.xlsx?asOf=2026-05-01", headers=auth))["payments"]

    listed = records(june)
    assert [(r["amount"], r["received_date"]) for r in listed] == [
        (400.0, datetime(2026, 4, 15)),
        (150.0, datetime(2026, 6, 20)),
    ]
    assert {r["customer"] for r in listed} == {rows["customer"].legal_name}
    assert june["J2"].number_format == '#,##0.00 "USD";-#,##0.00 "USD"'
    assert len(records(april)) == 1


async def test_xlsx_exports_refuse_like_the_csv_ones(client, scope_a, scope_b):
    token = await make_token("northwind")
    auth = {"Authorization": f"Bearer {token}"}

    anonymous = await client.get("/exports/invoices.xlsx")
    bad_date = await client.get("/exports/payments.xlsx?asOf=June", headers=auth)
    bad_flag = await client.get("/exports/invoices.xlsx?openOnly=maybe", headers=auth)
    bad_status = await client.get("/exports/payments.xlsx?status=lost", headers=auth)

    assert anonymous.status_code == 401
    assert (
        bad_date.status_code == 400 and bad_date.json()["errors"][0]["extensions"]["code"] == "invalid_date"
    )
    assert bad_flag.status_code == 400
    assert bad_status.status_code == 400
