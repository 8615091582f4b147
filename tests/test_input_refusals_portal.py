"""The probe's cases on the portal API, as a signed-in contact (an admin of Northwind's customer A):
amounts, dates and email addresses are refused with their codes, and nothing changes in either tenant.
"""

from __future__ import annotations

import pytest

from tests import input_world
from tests.input_world import NOT_ONE_ADDRESS, portal, snapshot

PROMISE = """
mutation($input: PromiseToPayInput!) { promiseToPay(input: $input) {
  promise { id } userErrors { field code message }
} }"""
INVITE = """
mutation($input: InviteContactInput!) { inviteContact(input: $input) { invitationUrl userErrors { field code } } }"""
DISPUTE = """
mutation($input: DisputeInvoiceInput!) { disputeInvoice(input: $input) { dispute { id } userErrors { field code } } }"""
BILLING = """
mutation($input: UpdateBillingDetailsInput!) { updateBillingDetails(input: $input) {
  billingDetails { address } userErrors { field code }
} }"""
SUPPORT = """
mutation($input: CreateSupportRequestInput!) { createSupportRequest(input: $input) {
  supportRequest { id } userErrors { field code }
} }"""
STATEMENTS = "query($id: ID!, $from: Date, $to: Date) { account(id: $id) { statements(from: $from, to: $to) { label } } }"


@pytest.fixture
async def world(client, settings, scope_a, scope_b):
    return await input_world.build(scope_a, scope_b, settings)


async def user_errors(client, world, query, variables, name):
    answer = await portal(client, world, query, variables)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return [(e["field"], e["code"]) for e in body["data"][name]["userErrors"]]


async def error_codes(client, world, query, variables):
    answer = await portal(client, world, query, variables)
    assert answer.status_code == 200, answer.text
    return [e["extensions"].get("code") for e in answer.json()["errors"]]


def promise(world, **overrides) -> dict:
    values = {"accountId": world.account_a, "invoiceIds": world.invoice_ids[1:2], "date": "2199-01-01"}
    return {"input": {**values, "amount": "100.00", **overrides}}


PROMISES = [
    ("10^30", {"amount": "1" + "0" * 30}, "amount_out_of_range"),
    ("past the ceiling", {"amount": "100000000000.01"}, "amount_out_of_range"),
    ("exponent", {"amount": "1e5"}, "invalid_amount"),
    ("surrounding space", {"amount": " 10.00 "}, "invalid_amount"),
    ("separator", {"amount": "1_000"}, "invalid_amount"),
    ("Arabic-Indic digits", {"amount": "\u0661\u0660"}, "invalid_amount"),
    ("zero", {"amount": "0"}, "must_be_positive"),
]


@pytest.mark.parametrize(("overrides", "code"), [c[1:] for c in PROMISES], ids=[c[0] for c in PROMISES])
async def test_given_a_bad_amount_when_promising_to_pay_then_it_is_refused_and_nothing_changes(
    client, world, scope_a, scope_b, overrides, code
):
    before = await snapshot(scope_a, scope_b)

    found = await user_errors(client, world, PROMISE, promise(world, **overrides), "promiseToPay")

    assert found == [(["amount"], code)]
    assert await snapshot(scope_a, scope_b) == before


@pytest.mark.parametrize("day", ["9999-12-31", "2200-01-01", "0001-01-01"])
async def test_given_a_date_beyond_the_calendar_then_promises_and_statements_refuse_it(
    client, world, scope_a, scope_b, day
):
    before = await snapshot(scope_a, scope_b)

    promised = await error_codes(client, world, PROMISE, promise(world, date=day))
    statements = await error_codes(client, world, STATEMENTS, {"id": world.account_a, "from": day, "to": day})

    assert promised == ["date_out_of_range"] and statements == ["date_out_of_range"] * 2
    assert await snapshot(scope_a, scope_b) == before


async def test_given_a_good_promise_then_it_is_recorded(client, world):
    assert await user_errors(client, world, PROMISE, promise(world), "promiseToPay") == []


@pytest.mark.parametrize(
    ("email", "code"), [c[1:] for c in NOT_ONE_ADDRESS], ids=[c[0] for c in NOT_ONE_ADDRESS]
)
async def test_given_anything_but_one_address_when_inviting_a_contact_then_it_is_refused(
    client, world, scope_a, scope_b, email, code
):
    before = await snapshot(scope_a, scope_b)

    found = await user_errors(
        client, world, INVITE, {"input": {"accountId": world.account_a, "email": email}}, "inviteContact"
    )

    assert found == [(["email"], code)]
    assert await snapshot(scope_a, scope_b) == before


async def test_given_a_bad_amount_or_billing_email_or_subject_then_each_is_refused_and_nothing_changes(
    client, world, scope_a, scope_b
):
    before = await snapshot(scope_a, scope_b)
    invoice = world.invoice_ids[1]

    dispute = await user_errors(
        client,
        world,
        DISPUTE,
        {"input": {"invoiceId": invoice, "amount": "1e2", "reasonCode": "pricing"}},
        "disputeInvoice",
    )
    billing = await user_errors(
        client,
        world,
        BILLING,
        {
            "input": {
                "accountId": world.account_a,
                "address": "1 Way",
                "billingEmail": "a@x.example, b@x.example",
            }
        },
        "updateBillingDetails",
    )
    subject = await user_errors(
        client,
        world,
        SUPPORT,
        {"input": {"accountId": world.account_a, "subject": "Hi\r\nBcc: x@y.example", "message": "Hello"}},
        "createSupportRequest",
    )
    nul = await error_codes(
        client,
        world,
        SUPPORT,
        {"input": {"accountId": world.account_a, "subject": "Hi", "message": "a\x00b"}},
    )

    assert dispute == [(["amount"], "invalid_amount")]
    assert billing == [(["billingEmail"], "invalid_email")]
    assert subject == [(["subject"], "invalid_text")]
    assert nul == ["invalid_text"]
    assert await snapshot(scope_a, scope_b) == before
