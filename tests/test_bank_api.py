"""Cash application through its doors: the staff mutations and queue over GraphQL, and
``ledgerport bank import`` as a user runs it."""

from __future__ import annotations

import os
import sqlite3

import pytest

from app.models.enums import StaffRole
from schema.common.ids import encode_id
from tests import bank_world
from tests.bank_files import BankTxn, camt053, mt940
from tests.helpers import gql, make_token
from tests.payments_data import open_amounts
from tests.test_cli import ROOT, ledgerport

IMPORT = """
mutation($input: ImportBankStatementInput!) {
  importBankStatement(input: $input) {
    summary { format lines duplicates debits posted exceptions }
    userErrors { field code message }
  }
}"""
EXCEPTIONS = """
query { bankExceptions(first: 10) { totalCount edges { node {
  id reference status amount { amount currencyCode } payerName
  suggestions { customerName score reasons allocations { invoiceNumber amount { amount } } }
} } } }"""
APPLY = """
mutation($input: ApplyBankLineInput!) {
  applyBankLine(input: $input) { line { status paymentId } userErrors { field code message } }
}"""
IGNORE = """
mutation($input: IgnoreBankLineInput!) {
  ignoreBankLine(input: $input) { line { status note } userErrors { field code message } }
}"""

ADD_ACCOUNT = """
mutation($input: AddCustomerBankAccountInput!) {
  addCustomerBankAccount(input: $input) { added userErrors { field code } }
}"""

LINES = [
    BankTxn("G-1", "1000.00", "INV-2026-0001", "Acme Corporation"),
    BankTxn("G-2", "990.00", "payment", "Cirrus Logistics Ltd"),
    BankTxn("G-3", "5.00", "interest", "Our Bank"),
]


async def test_given_collections_when_importing_and_working_the_queue_then_lines_post_once(
    client, scope_a, scope_b
):
    w = await bank_world.build(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    other = await make_token("cloudly", StaffRole.ADMIN)
    content = camt053(LINES).decode()

    first = (await gql(client, IMPORT, token, {"input": {"content": content, "filename": "day.xml"}})).json()
    again = (await gql(client, IMPORT, token, {"input": {"content": content}})).json()

    assert first["data"]["importBankStatement"] == {
        "summary": {
            "format": "camt.053",
            "lines": 3,
            "duplicates": 0,
            "debits": 0,
            "posted": 1,
            "exceptions": 2,
        },
        "userErrors": [],
    }
    assert again["data"]["importBankStatement"]["summary"]["duplicates"] == 3
    queue = (await gql(client, EXCEPTIONS, token)).json()["data"]["bankExceptions"]
    assert queue["totalCount"] == 2
    cirrus, interest = (e["node"] for e in queue["edges"])
    assert cirrus["suggestions"][0]["customerName"] == "Cirrus Logistics Ltd"
    assert cirrus["suggestions"][0]["reasons"][0].startswith("payer name")
    # Tenant B sees an empty queue and cannot apply tenant A's line.
    assert (await gql(client, EXCEPTIONS, other)).json()["data"]["bankExceptions"]["totalCount"] == 0
    theirs = (await gql(client, APPLY, other, {"input": {"lineId": cirrus["id"], "invoiceIds": []}})).json()
    assert theirs["data"]["applyBankLine"]["userErrors"][0]["code"] == "not_found"

    invoice_id = encode_id("Invoice", w.inv["INV-2026-0009"].id)
    applied = (
        await gql(client, APPLY, token, {"input": {"lineId": cirrus["id"], "invoiceIds": [invoice_id]}})
    ).json()
    twice = (
        await gql(client, APPLY, token, {"input": {"lineId": cirrus["id"], "invoiceIds": [invoice_id]}})
    ).json()
    ignored = (
        await gql(client, IGNORE, token, {"input": {"lineId": interest["id"], "reason": "bank interest"}})
    ).json()

    assert applied["data"]["applyBankLine"]["line"]["status"] == "APPLIED"
    assert twice["data"]["applyBankLine"]["userErrors"][0]["code"] == "already_posted"
    assert ignored["data"]["ignoreBankLine"]["line"] == {"status": "IGNORED", "note": "bank interest"}
    assert await open_amounts(scope_a, w.inv["INV-2026-0001"], w.inv["INV-2026-0009"]) == [0, 900]
    assert (await gql(client, EXCEPTIONS, token)).json()["data"]["bankExceptions"]["totalCount"] == 0


async def test_given_an_account_put_on_file_then_the_payers_next_line_is_recognised_by_it(
    client, scope_a, scope_b
):
    w = await bank_world.build(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.FINANCE)
    cirrus = encode_id("Customer", w.cirrus.id)

    added = (
        await gql(
            client, ADD_ACCOUNT, token, {"input": {"customerId": cirrus, "account": "nl91 abna 0417 1643 00"}}
        )
    ).json()
    again = (
        await gql(
            client, ADD_ACCOUNT, token, {"input": {"customerId": cirrus, "account": "NL91ABNA0417164300"}}
        )
    ).json()
    bad = (await gql(client, ADD_ACCOUNT, token, {"input": {"customerId": cirrus, "account": "x!"}})).json()
    foreign = encode_id("Customer", w.other_acme.id)
    hidden = (
        await gql(
            client,
            ADD_ACCOUNT,
            token,
            {"input": {"customerId": foreign, "account": "DE02120300000000202051"}},
        )
    ).json()

    assert added["data"]["addCustomerBankAccount"] == {"added": True, "userErrors": []}
    assert again["data"]["addCustomerBankAccount"]["added"] is False
    assert bad["data"]["addCustomerBankAccount"]["userErrors"] == [
        {"field": ["account"], "code": "invalid_account"}
    ]
    assert hidden["data"]["addCustomerBankAccount"]["userErrors"][0]["code"] == "not_found"
    content = camt053([BankTxn("G-9", "50.00", "June", "Cirrus Logistics", "NL91ABNA0417164300")]).decode()
    summary = (await gql(client, IMPORT, token, {"input": {"content": content}})).json()["data"][
        "importBankStatement"
    ]
    # No reference: the account on file and the name (score 82) post it; the name alone would not (58).
    assert summary["summary"]["posted"] == 1
    assert await open_amounts(scope_a, w.inv["INV-2026-0010"]) == [0]


async def test_given_a_malformed_file_when_imported_then_user_errors_name_where_and_nothing_is_stored(
    client, scope_a, scope_b
):
    await bank_world.build(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.FINANCE)
    broken = mt940(LINES).decode().replace(":61:2606010601C990,00", ":61:2606010601C99O,00")

    answer = (await gql(client, IMPORT, token, {"input": {"content": broken, "format": "MT940"}})).json()

    errors = answer["data"]["importBankStatement"]["userErrors"]
    assert errors == [
        {
            "field": ["file", "line 7"],
            "code": "malformed_bank_file",
            "message": "cannot read the statement line :61:2606010601C99O,00NTRFNONREF//G-2",
        }
    ]
    assert (await gql(client, EXCEPTIONS, token)).json()["data"]["bankExceptions"]["totalCount"] == 0


async def test_given_a_sales_or_credit_role_then_cash_application_is_forbidden(client, scope_a, scope_b):
    await bank_world.build(scope_a, scope_b)
    for role in (StaffRole.SALES, StaffRole.CREDIT, StaffRole.VIEWER):
        token = await make_token("northwind", role, name=f"{role.value}-bank")
        answer = (await gql(client, IMPORT, token, {"input": {"content": camt053(LINES).decode()}})).json()
        assert answer["errors"][0]["extensions"]["code"] == "forbidden", role


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LEDGERPORT_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants"),
        "LEDGERPORT_ENV": "development",
    }


def test_bank_import_on_the_command_line_refuses_bad_files_and_imports_once(cli_env, tmp_path):
    assert ledgerport(cli_env, "migrate").returncode == 0
    good = tmp_path / "day.sta"
    good.write_bytes(mt940(LINES))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(camt053(LINES).replace(b"<BookgDt><Dt>2026-06-01</Dt></BookgDt>", b"", 1))

    refused = ledgerport(cli_env, "bank", "import", "--tenant", "northwind", str(bad))
    first = ledgerport(cli_env, "bank", "import", "--tenant", "northwind", str(good))
    again = ledgerport(cli_env, "bank", "import", "--tenant", "northwind", str(good))

    assert refused.returncode == 1
    assert "Stmt[1]/Ntry[1]: missing BookgDt/Dt" in refused.stderr
    assert first.returncode == 0, first.stderr
    assert (
        "day.sta (mt940): 3 lines, 0 already imported, 0 debits, 0 posted, 3 to the exceptions queue"
        in first.stdout
    )
    assert "3 already imported" in again.stdout
    database = cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM bank_line").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM bank_statement").fetchone() == (1,)
