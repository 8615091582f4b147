"""Every class of input the probe found answered with a 500, or stored when it should not have been,
sent to the staff API: each gets its specific refusal, and nothing changes in either tenant.

Given two tenants with data (tests.input_world), when a request carries the bad value, then the answer
names the field and the code (docs/validation.md) and a snapshot of every table is what it was.
"""

from __future__ import annotations

import pytest

from tests import input_world
from tests.input_world import NOT_ONE_ADDRESS, snapshot, staff

RECORD = """
mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  payment { id } userErrors { field code message }
} }"""
SUMMARY = "query($asOf: Date, $filter: CustomerFilter) { arSummary(asOf: $asOf, filter: $filter) { netBalance { amount } } }"
TREND = "query($asOf: Date) { arTrend(asOf: $asOf, months: 3) { ar { amount } } }"
CUSTOMERS = """
query($filter: CustomerListFilter) { customers(filter: $filter, first: 10) { totalCount edges { node { name } } } }"""
INVOICES = "query($filter: InvoiceFilter) { invoices(filter: $filter, first: 10) { totalCount } }"
IMPORT = """
mutation($input: ImportBatchInput!) { importBatch(input: $input) { userErrors { field code message } } }"""
INVITE = """
mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { member { email } userErrors { field code } } }"""


@pytest.fixture
async def world(client, settings, scope_a, scope_b):
    return await input_world.build(scope_a, scope_b, settings)


def wire(world, **overrides) -> dict:
    payment = {
        "customerId": world.customer_a,
        "amount": "10.00",
        "currencyCode": "USD",
        "receivedDate": "2026-06-30",
        "method": "WIRE",
    }
    return {"input": {**payment, **overrides}}


async def user_errors(client, world, query, variables, name):
    answer = await staff(client, world, query, variables)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return [(e["field"], e["code"]) for e in body["data"][name]["userErrors"]]


async def error_codes(client, world, query, variables):
    answer = await staff(client, world, query, variables)
    assert answer.status_code in (200, 400), answer.text
    body = answer.json()
    assert body.get("data") in (None, {}) or all(v is None for v in (body.get("data") or {}).values()), body
    return [e["extensions"].get("code") for e in body["errors"]]


PAYMENTS = [
    ("10^30", {"amount": "1" + "0" * 30}, ["amount"], "amount_out_of_range"),
    ("BIGINT max as cents", {"amount": "92233720368547758.07"}, ["amount"], "amount_out_of_range"),
    ("past the ceiling", {"amount": "100000000000.01"}, ["amount"], "amount_out_of_range"),
    ("exponent", {"amount": "1e5"}, ["amount"], "invalid_amount"),
    ("capital exponent", {"amount": "1E3"}, ["amount"], "invalid_amount"),
    ("surrounding space", {"amount": " 10.00 "}, ["amount"], "invalid_amount"),
    ("underscore", {"amount": "1_000"}, ["amount"], "invalid_amount"),
    ("Arabic-Indic digits", {"amount": "\u0661\u0660\u0660"}, ["amount"], "invalid_amount"),
    ("more decimals than USD", {"amount": "10.001"}, ["amount"], "invalid_amount"),
    ("zero", {"amount": "0.00"}, ["amount"], "must_be_positive"),
    ("made-up currency", {"currencyCode": "ZZQ"}, ["currencyCode"], "unknown_currency"),
    ("empty currency", {"currencyCode": ""}, ["currencyCode"], "unknown_currency"),
    ("a currency without any rate", {"currencyCode": "GBP"}, ["currencyCode"], "fx_rate_missing"),
    (
        "EUR before its first rate",
        {"currencyCode": "EUR", "receivedDate": "2026-05-31"},
        ["currencyCode"],
        "fx_rate_missing",
    ),
    ("a 1 MB reference", {"reference": "R" * 1_000_000}, ["reference"], "too_long"),
    ("a 10,000-character external id", {"externalId": "X" * 10_000}, ["externalId"], "too_long"),
    ("a reference on two lines", {"reference": "WIRE-1\r\nX-Injected: 1"}, ["reference"], "invalid_text"),
    ("AS_SELECTED without invoices", {"allocation": "AS_SELECTED"}, ["invoiceIds"], "invoices_required"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "code"), [c[1:] for c in PAYMENTS], ids=[c[0] for c in PAYMENTS]
)
async def test_given_a_bad_payment_when_recorded_then_it_is_refused_and_nothing_changes(
    client, world, scope_a, scope_b, overrides, field, code
):
    before = await snapshot(scope_a, scope_b)

    found = await user_errors(client, world, RECORD, wire(world, **overrides), "recordPayment")

    assert found == [(field, code)]
    assert await snapshot(scope_a, scope_b) == before


async def test_given_a_foreign_currency_with_a_rate_then_the_payment_is_recorded_and_figures_still_answer(
    client, world
):
    found = await user_errors(client, world, RECORD, wire(world, currencyCode="EUR"), "recordPayment")
    summary = (await staff(client, world, SUMMARY, {"asOf": "2026-06-30"})).json()

    assert found == []
    assert "errors" not in summary and summary["data"]["arSummary"]["netBalance"]["amount"]


TEXT = [
    ("lone surrogate", "\ud800"),
    ("NUL", "a\x00b"),
    ("escape character", "\x1b[31m"),
]


@pytest.mark.parametrize("value", [c[1] for c in TEXT], ids=[c[0] for c in TEXT])
async def test_given_text_no_column_can_hold_when_sent_then_the_request_is_refused_before_it_runs(
    client, world, scope_a, scope_b, value
):
    before = await snapshot(scope_a, scope_b)

    codes = await error_codes(client, world, RECORD, wire(world, reference=value))

    assert codes == ["invalid_text"]
    assert await snapshot(scope_a, scope_b) == before


DATES = [
    ("year 1", "0001-01-01", "date_out_of_range"),
    ("year 9999", "9999-12-31", "date_out_of_range"),
    ("before 1900", "1899-12-31", "date_out_of_range"),
    ("week date", "2026-W26-1", "invalid_date"),
    ("compact", "20260630", "invalid_date"),
]


@pytest.mark.parametrize(("value", "code"), [c[1:] for c in DATES], ids=[c[0] for c in DATES])
async def test_given_a_date_beyond_the_calendar_when_asked_then_every_date_argument_refuses_it(
    client, world, scope_a, scope_b, value, code
):
    before = await snapshot(scope_a, scope_b)

    summary = await error_codes(client, world, SUMMARY, {"asOf": value})
    trend = await error_codes(client, world, TREND, {"asOf": value})
    payment = await error_codes(client, world, RECORD, wire(world, receivedDate=value))
    export = await client.get(
        f"/exports/aging.csv?asOf={value}", headers={"Authorization": f"Bearer {world.token}"}
    )

    assert summary == trend == payment == [code]
    assert export.status_code == 400
    assert export.json()["errors"][0]["extensions"] | {"request_id": None} == {
        "code": code,
        "field": "asOf",
        "request_id": None,
    }
    assert await snapshot(scope_a, scope_b) == before


async def test_given_the_first_and_last_accepted_dates_then_the_period_arithmetic_answers(client, world):
    for as_of in ("1900-01-01", "2199-12-31"):
        summary = (await staff(client, world, SUMMARY, {"asOf": as_of})).json()
        trend = (await staff(client, world, TREND, {"asOf": as_of})).json()
        assert "errors" not in summary and "errors" not in trend, (summary, trend)


async def test_given_a_50_kb_search_then_it_is_refused_and_a_search_for_wildcards_finds_them_literally(
    client, world, scope_a, scope_b
):
    huge = await error_codes(client, world, CUSTOMERS, {"filter": {"search": "%" * 50_000}})
    export = await client.get(
        "/exports/customers.csv?search=" + "a" * 50_000, headers={"Authorization": f"Bearer {world.token}"}
    )
    percent = (await staff(client, world, CUSTOMERS, {"filter": {"search": "%"}})).json()
    underscore = (await staff(client, world, CUSTOMERS, {"filter": {"search": "Customer_"}})).json()
    plain = (await staff(client, world, CUSTOMERS, {"filter": {"search": "customer "}})).json()
    numbers = (await staff(client, world, INVOICES, {"filter": {"number": "INV_"}})).json()

    assert huge == ["too_long"]
    assert export.status_code == 400 and export.json()["errors"][0]["extensions"]["code"] == "too_long"
    assert percent["data"]["customers"]["totalCount"] == 0
    assert underscore["data"]["customers"]["totalCount"] == 0
    assert numbers["data"]["invoices"]["totalCount"] == 0
    # Both of Northwind's customers, none of Cloudly's.
    assert [e["node"]["name"] for e in plain["data"]["customers"]["edges"]] == ["Customer A", "Customer B"]


EXPORT_FILTERS = [
    ("riskRating=Z", "riskRating", "invalid_choice", "A, B, C, D, E"),
    ("kycStatus=nope", "kycStatus", "invalid_choice", "not_started, pending"),
    ("currency=ZZQ", "currency", "unknown_currency", "ISO 4217"),
    ("country=AB", "country", "invalid_country", "ISO 3166"),
]


@pytest.mark.parametrize(
    ("query", "field", "code", "named"), EXPORT_FILTERS, ids=[c[0] for c in EXPORT_FILTERS]
)
@pytest.mark.parametrize("export", ["aging", "customers"])
async def test_given_an_export_filter_outside_its_vocabulary_then_it_is_a_400_naming_the_allowed_values(
    client, world, export, query, field, code, named
):
    answer = await client.get(
        f"/exports/{export}.csv?{query}", headers={"Authorization": f"Bearer {world.token}"}
    )

    assert answer.status_code == 400, answer.text
    error = answer.json()["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)
    assert named in error["message"]


async def test_given_a_valid_export_filter_then_it_filters(client, world):
    answer = await client.get(
        "/exports/customers.csv?riskRating=B&kycStatus=approved",
        headers={"Authorization": f"Bearer {world.token}"},
    )

    assert answer.status_code == 200
    assert [line.split(",")[0] for line in answer.text.splitlines()[1:]] == ["ACC-A"]


@pytest.mark.parametrize(
    ("email", "code"), [c[1:] for c in NOT_ONE_ADDRESS], ids=[c[0] for c in NOT_ONE_ADDRESS]
)
async def test_given_anything_but_one_address_when_inviting_staff_then_it_is_refused(
    client, world, scope_a, scope_b, email, code
):
    before = await snapshot(scope_a, scope_b)

    found = await user_errors(
        client, world, INVITE, {"input": {"email": email, "role": "VIEWER"}}, "inviteStaff"
    )

    assert found == [(["email"], code)]
    assert await snapshot(scope_a, scope_b) == before


def _invoice(**overrides) -> dict:
    invoice = {
        "externalId": "INV-BIG",
        "number": "INV-BIG",
        "customer": "A",
        "issueDate": "2026-06-01",
        "dueDate": "2026-07-01",
        "currency": "USD",
        "lines": [{"unitPrice": "10.00"}],
    }
    return {**invoice, **overrides}


BATCHES = [
    (
        "10^30",
        {"invoices": [_invoice(lines=[{"unitPrice": "1" + "0" * 30}])]},
        ["invoices", "0", "lines[0].unitPrice"],
        "amount_out_of_range",
    ),
    (
        "BIGINT max",
        {"invoices": [_invoice(lines=[{"unitPrice": "92233720368547758.08"}])]},
        ["invoices", "0", "lines[0].unitPrice"],
        "amount_out_of_range",
    ),
    (
        "quantity x unit price",
        {"invoices": [_invoice(lines=[{"quantity": "9999999999", "unitPrice": "99999999.99"}])]},
        ["invoices", "0", "lines[0].unitPrice"],
        "amount_out_of_range",
    ),
    (
        "a sum of lines",
        {"invoices": [_invoice(lines=[{"unitPrice": "90000000000.00"}] * 2)]},
        ["invoices", "0", "lines"],
        "amount_out_of_range",
    ),
    (
        "due 9999-12-31",
        {"invoices": [_invoice(dueDate="9999-12-31")]},
        ["invoices", "0", "dueDate"],
        "date_out_of_range",
    ),
    (
        "exponent",
        {"invoices": [_invoice(lines=[{"unitPrice": "1e3"}])]},
        ["invoices", "0", "lines[0].unitPrice"],
        "invalid_decimal",
    ),
    (
        "Arabic-Indic digits",
        {"invoices": [_invoice(lines=[{"unitPrice": "\u0661\u0660"}])]},
        ["invoices", "0", "lines[0].unitPrice"],
        "invalid_decimal",
    ),
    (
        "country AB",
        {
            "customers": [
                {"externalId": "N", "accountNumber": "N-1", "name": "N", "currency": "USD", "country": "AB"}
            ]
        },
        ["customers", "0", "country"],
        "invalid_country",
    ),
    (
        "contact list",
        {
            "customers": [
                {
                    "externalId": "N",
                    "accountNumber": "N-1",
                    "name": "N",
                    "currency": "USD",
                    "contacts": [{"email": "a@x.example, b@y.example"}],
                }
            ]
        },
        ["customers", "0", "contacts[0].email"],
        "invalid_email",
    ),
    (
        "currency without a rate",
        {"invoices": [_invoice(currency="GBP")]},
        ["invoices", "0", "currency"],
        "fx_rate_missing",
    ),
    (
        "payment ZZQ",
        {
            "payments": [
                {
                    "externalId": "P-Z",
                    "customer": "A",
                    "receivedDate": "2026-06-30",
                    "currency": "ZZQ",
                    "amount": "1.00",
                }
            ]
        },
        ["payments", "0", "currency"],
        "unknown_currency",
    ),
    (
        "a 10,000-character external id",
        {"invoices": [_invoice(externalId="X" * 10_000)]},
        ["invoices", "0", "externalId"],
        "too_long",
    ),
]


@pytest.mark.parametrize(("batch", "field", "code"), [c[1:] for c in BATCHES], ids=[c[0] for c in BATCHES])
async def test_given_a_batch_with_a_bad_value_when_imported_then_the_problem_names_it_and_nothing_changes(
    client, world, scope_a, scope_b, batch, field, code
):
    before = await snapshot(scope_a, scope_b)

    found = await user_errors(client, world, IMPORT, {"input": batch}, "importBatch")

    assert (field, code) in found
    assert await snapshot(scope_a, scope_b) == before
