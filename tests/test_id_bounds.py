"""Ids, cursors and page links that no row can have are "not found" (or an invalid cursor), never a 500.

An id whose key is 2^70 overflowed the database driver; on PostgreSQL so did 2^40, above the 32-bit key
columns. Both backends run every test here.
"""

from __future__ import annotations

import base64
from datetime import date

import pytest

from app.ids import MAX_INT, decode_id, encode_id, is_key
from app.tenancy.service import system_scope
from tests import payments_data as data
from tests.helpers import gql, make_token
from tests.portal_data import world
from tests.signin_flow import graphql, person, sign_in

HUGE = [2**31, 2**40, 2**63, 2**70]


def test_a_key_is_written_one_way_within_the_columns_range():
    assert decode_id("Invoice", encode_id("Invoice", MAX_INT)) == MAX_INT
    assert [is_key(k) for k in ("1", "42", str(MAX_INT))] == [True] * 3
    assert [is_key(k) for k in ("0", "042", "-1", "١٢", str(MAX_INT + 1), "", "1" * 400)] == [False] * 7


@pytest.mark.parametrize("key", HUGE)
async def test_given_a_download_id_beyond_any_key_then_404(client, key):
    token = await make_token("northwind")
    headers = {"Authorization": f"Bearer {token}"}

    invoice = await client.get(f"/documents/invoices/{encode_id('Invoice', key)}.pdf", headers=headers)
    statement = await client.get(f"/documents/statements/{encode_id('Customer', key)}.pdf", headers=headers)

    for answer in (invoice, statement):
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["extensions"]["code"] == "not_found"


@pytest.mark.parametrize("key", HUGE)
async def test_given_graphql_id_arguments_beyond_any_key_then_not_found_and_nothing_recorded(client, key):
    scope, other = await system_scope("northwind"), await system_scope("cloudly")
    await data.invoice(scope, await data.customer(scope, "acme"), "INV-1", 10_000, date(2026, 3, 1))
    await data.invoice(other, await data.customer(other, "zeta", "EUR"), "INV-1", 7_000, date(2026, 3, 1))
    token = await make_token("northwind")
    invoice_id, customer_id = encode_id("Invoice", key), encode_id("Customer", key)

    read = await gql(client, "query($id: ID!) { invoice(id: $id) { number } }", token, {"id": invoice_id})
    record = await gql(
        client,
        """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
             payment { id } userErrors { field code } } }""",
        token,
        {
            "input": {
                "customerId": customer_id,
                "amount": "10.00",
                "currencyCode": "USD",
                "receivedDate": "2026-06-01",
                "method": "WIRE",
                "invoiceIds": [invoice_id],
            }
        },
    )
    listed = await gql(client, "{ payments { totalCount } }", token)

    assert read.json()["errors"][0]["extensions"]["code"] == "not_found"
    assert record.json()["data"]["recordPayment"]["userErrors"][0]["code"] == "not_found"
    assert listed.json() == {"data": {"payments": {"totalCount": 0}}}


@pytest.mark.parametrize("offset", [2**31, 2**63, 2**70])
async def test_given_a_cursor_past_any_list_then_invalid_cursor(client, offset):
    token = await make_token("northwind")
    cursor = base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()

    answers = [
        await gql(client, f'{{ {field}(after: "{cursor}") {{ totalCount }} }}', token)
        for field in ("customers", "invoices", "payments", "supportRequests")
    ]

    assert [a.json()["errors"][0]["extensions"]["code"] for a in answers] == ["invalid_cursor"] * 4


async def test_given_portal_pages_and_ids_beyond_any_key_then_not_found(browser, providers):
    w = await world()
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )
    huge = 2**70
    account = encode_id("Account", w.x.id)
    invoice_cursor = base64.urlsafe_b64encode(f"2026-01-01|{huge}".encode()).decode()

    pages = [
        await browser.get(path)
        for path in (
            f"/portal/accounts/{encode_id('Account', huge)}",
            f"/portal/invoices/{encode_id('Invoice', huge)}",
            f"/portal/payments/{encode_id('Payment', huge)}",
            f"/portal/support/{encode_id('SupportRequest', huge)}",
            f"/portal/attachments/{encode_id('Attachment', huge)}",
            f"/portal/accounts/{account}",
        )
    ]
    paged = await browser.get(f"/portal/accounts/{account}/payments?offset={2**63}")
    invoices = await browser.get(f"/portal/accounts/{account}/invoices?after={invoice_cursor}")
    api = await graphql(
        browser,
        "/portal/graphql",
        "query($id: ID!) { account(id: $id) { name } }",
        "portal",
        {"id": encode_id("Account", huge)},
    )

    assert [p.status_code for p in pages[:5]] == [404] * 5
    assert pages[5].status_code == 200  # the contact's own pages still serve
    assert paged.status_code == 200  # an offset past any list is the first page
    assert invoices.status_code == 400 and "this page link is broken" in invoices.text
    assert api.json()["errors"][0]["extensions"]["code"] == "not_found"
