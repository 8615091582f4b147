"""The approvals API end to end over /graphql with API tokens of two tenants, on both engines: request,
inbox, approve, reject, the userError codes, and one query per page however many requests it lists."""

from __future__ import annotations

from app.ids import encode_id
from app.models.enums import StaffRole
from tests import builders as b
from tests.helpers import gql, make_token

REQUEST = """
mutation($input: RequestCreditLimitInput!) {
  requestCreditLimit(input: $input) {
    request { id state kind amount { amount currencyCode } currentLimit { amount } requiredApprovals
              waitingForRoles requestedBy customerName }
    userErrors { field code message }
  }
}"""
APPROVE = """
mutation($input: ApproveRequestInput!) {
  approveCreditRequest(input: $input) {
    request { id state approvalsGiven appliedAt approvals { approver role } }
    userErrors { field code }
  }
}"""
REJECT = """
mutation($input: RejectRequestInput!) {
  rejectCreditRequest(input: $input) { request { state decisionNote } userErrors { field code } }
}"""
INBOX = """
query { approvalInbox(first: 10) { totalCount edges { node { id customerName slaDue pastSla } } } }"""
HISTORY = """
query($filter: ApprovalRequestFilter) {
  approvalRequests(first: 50, filter: $filter) {
    totalCount edges { node { id state requestedBy approvals { approver role at } } }
  }
}"""
WRITE_OFF = """
mutation($input: RequestWriteOffInput!) {
  requestWriteOff(input: $input) { request { id kind amount { amount currencyCode } } userErrors { field code } }
}"""


async def data(client, query, token, **variables):
    body = (await gql(client, query, token, variables)).json()
    assert "errors" not in body, body
    return body["data"]


async def test_given_a_request_over_the_api_then_the_routed_roles_decide_it_in_their_inbox(
    client, scope_a, scope_b
):
    sales = await make_token("northwind", StaffRole.SALES, name="sales")
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    finance = await make_token("northwind", StaffRole.FINANCE, name="finance")
    other_credit = await make_token("cloudly", StaffRole.CREDIT, name="credit-b")
    # Northwind's sales staff see only their own customers (access.sales_sees_own_customers_only).
    cust = await b.customer(scope_a, "Acme Parts", credit_limit=1_000_000, sales_owner="token:sales")
    await b.customer(scope_b, "Kunde AG", currency="EUR")
    customer_id = encode_id("Customer", cust.id)

    wrong = await data(
        client,
        REQUEST,
        sales,
        input={"customerId": customer_id, "limit": "1000.00", "currency": "EUR", "reason": "x"},
    )
    assert [e["code"] for e in wrong["requestCreditLimit"]["userErrors"]] == ["currency_mismatch"]
    asked = await data(
        client,
        REQUEST,
        sales,
        input={"customerId": customer_id, "limit": "100000.00", "reason": "New contract"},
    )
    assert asked["requestCreditLimit"]["userErrors"] == []
    request = asked["requestCreditLimit"]["request"]
    assert request["state"] == "PENDING" and request["kind"] == "CREDIT_LIMIT"
    assert request["amount"] == {"amount": "100000.00", "currencyCode": "USD"}
    assert request["currentLimit"] == {"amount": "10000.00"}
    assert (request["requiredApprovals"], request["waitingForRoles"]) == (2, ["credit", "finance"])
    assert request["requestedBy"] == "token:sales" and request["customerName"] == "Acme Parts"

    inbox = (await data(client, INBOX, credit))["approvalInbox"]
    assert [e["node"]["id"] for e in inbox["edges"]] == [request["id"]]
    assert (await data(client, INBOX, other_credit))["approvalInbox"]["totalCount"] == 0
    foreign = await data(client, APPROVE, other_credit, input={"id": request["id"]})
    assert foreign["approveCreditRequest"]["userErrors"] == [{"field": ["id"], "code": "not_found"}]

    first = (await data(client, APPROVE, credit, input={"id": request["id"], "note": "Checked"}))[
        "approveCreditRequest"
    ]
    assert first["request"]["state"] == "PENDING" and first["request"]["appliedAt"] is None
    again = (await data(client, APPROVE, credit, input={"id": request["id"]}))["approveCreditRequest"]
    assert [e["code"] for e in again["userErrors"]] == ["already_approved"]
    last = (await data(client, APPROVE, finance, input={"id": request["id"]}))["approveCreditRequest"]
    assert last["request"]["state"] == "APPROVED" and last["request"]["appliedAt"]
    assert last["request"]["approvals"] == [
        {"approver": "token:credit", "role": "credit"},
        {"approver": "token:finance", "role": "finance"},
    ]
    late = (await data(client, REJECT, finance, input={"id": request["id"], "reason": "No"}))[
        "rejectCreditRequest"
    ]
    assert [e["code"] for e in late["userErrors"]] == ["already_decided"]


async def test_rejecting_needs_a_reason_and_the_requester_cannot_decide(client, scope_a, scope_b):
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    credit2 = await make_token("northwind", StaffRole.CREDIT, name="credit-2")
    cust = await b.customer(scope_a)
    asked = await data(
        client,
        REQUEST,
        credit,
        input={"customerId": encode_id("Customer", cust.id), "limit": "20000.00", "reason": "x"},
    )
    request_id = asked["requestCreditLimit"]["request"]["id"]

    own = (await data(client, APPROVE, credit, input={"id": request_id}))["approveCreditRequest"]
    assert [e["code"] for e in own["userErrors"]] == ["self_approval"]
    blank = (await data(client, REJECT, credit2, input={"id": request_id, "reason": " "}))[
        "rejectCreditRequest"
    ]
    assert blank["userErrors"] == [{"field": ["reason"], "code": "required"}]
    done = (await data(client, REJECT, credit2, input={"id": request_id, "reason": "Too soon"}))[
        "rejectCreditRequest"
    ]
    assert done["request"] == {"state": "REJECTED", "decisionNote": "Too soon"}


async def test_the_history_reads_a_page_of_requests_in_a_fixed_number_of_queries(
    client, scope_a, scope_b, count_queries
):
    sales = await make_token("northwind", StaffRole.SALES, name="sales")
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    viewer_b = await make_token("cloudly", StaffRole.VIEWER, name="viewer-b")

    async def ask(n):
        for _ in range(n):
            cust = await b.customer(scope_a, credit_limit=1_000, sales_owner="token:sales")
            asked = await data(
                client,
                REQUEST,
                sales,
                input={"customerId": encode_id("Customer", cust.id), "limit": "2000.00", "reason": "x"},
            )
            await data(client, APPROVE, credit, input={"id": asked["requestCreditLimit"]["request"]["id"]})

    await ask(2)
    count_queries.reset()
    small = (await data(client, HISTORY, credit))["approvalRequests"]
    few = len(count_queries)
    await ask(4)
    count_queries.reset()
    large = (await data(client, HISTORY, credit))["approvalRequests"]

    assert (small["totalCount"], large["totalCount"]) == (2, 6)
    assert len(count_queries) == few
    assert {e["node"]["state"] for e in large["edges"]} == {"APPROVED"}
    assert (await data(client, HISTORY, viewer_b))["approvalRequests"]["totalCount"] == 0
    pending = await data(client, HISTORY, credit, filter={"states": ["PENDING"]})
    assert pending["approvalRequests"]["totalCount"] == 0


async def test_a_write_off_request_reads_its_amount_in_the_invoice_currency(client, scope_a, scope_b):
    collections = await make_token("northwind", StaffRole.COLLECTIONS, name="collections")
    sales = await make_token("northwind", StaffRole.SALES, name="sales")
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 100_000, "2026-03-01", "2026-03-31")
    invoice_id = encode_id("Invoice", inv.id)

    over = await data(
        client, WRITE_OFF, collections, input={"invoiceId": invoice_id, "amount": "1000.01", "reason": "x"}
    )
    assert over["requestWriteOff"]["userErrors"] == [{"field": ["amount"], "code": "amount_over_open"}]
    asked = await data(
        client, WRITE_OFF, collections, input={"invoiceId": invoice_id, "amount": "250.00", "reason": "x"}
    )
    assert asked["requestWriteOff"]["request"]["amount"] == {"amount": "250.00", "currencyCode": "USD"}
    refused = (
        await gql(
            client, WRITE_OFF, sales, {"input": {"invoiceId": invoice_id, "amount": "1.00", "reason": "x"}}
        )
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
