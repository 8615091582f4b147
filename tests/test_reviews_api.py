"""Credit and KYC reviews over /graphql: a review with a new limit opens a request, reviews due by date,
a KYC review started and failed by compliance officers; two tenants on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from app import clock
from app.ids import encode_id
from app.models.enums import StaffRole
from tests import builders as b
from tests.helpers import gql, make_token

COMPLETE = """
mutation($input: CompleteCreditReviewInput!) {
  completeCreditReview(input: $input) {
    review { rating approver } customer { riskRating creditNextReview }
    limitRequest { state amount { amount } requestedBy } userErrors { field code }
  }
}"""
DUE = """query($asOf: Date) { creditReviewsDue(asOf: $asOf) { totalCount edges { node { name creditNextReview } } } }"""
START = """
mutation($input: StartKycReviewInput!) {
  startKycReview(input: $input) { review { id status checklist { key done } } userErrors { field code } }
}"""
FINISH = """
mutation($input: CompleteKycReviewInput!) {
  completeKycReview(input: $input) { review { status proposedOutcome reviewer } userErrors { field code } }
}"""


async def data(client, query, token, **variables):
    body = (await gql(client, query, token, variables)).json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_credit_review_over_the_api_sets_the_next_review_and_asks_for_the_new_limit(
    client, scope_a, scope_b
):
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    other = await make_token("cloudly", StaffRole.CREDIT, name="credit-b")
    cust = await b.customer(scope_a, "Acme Parts", credit_limit=1_000_000)
    customer_id = encode_id("Customer", cust.id)
    with clock.frozen(datetime(2026, 1, 31, 18, 0, tzinfo=UTC)):
        foreign = await data(client, COMPLETE, other, input={"customerId": customer_id, "rating": "E"})
        done = await data(
            client,
            COMPLETE,
            credit,
            input={"customerId": customer_id, "rating": "E", "notes": "Losses", "newLimit": "5000.00"},
        )

    assert foreign["completeCreditReview"]["userErrors"] == [{"field": ["customerId"], "code": "not_found"}]
    answer = done["completeCreditReview"]
    assert answer["userErrors"] == []
    assert answer["review"] == {"rating": "E", "approver": "token:credit"}
    assert answer["customer"] == {"riskRating": "E", "creditNextReview": "2026-04-30"}
    assert answer["limitRequest"] == {
        "state": "PENDING",
        "amount": {"amount": "5000.00"},
        "requestedBy": "token:credit",
    }
    due = (await data(client, DUE, credit, asOf="2026-05-01"))["creditReviewsDue"]
    assert due == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Acme Parts", "creditNextReview": "2026-04-30"}}],
    }
    assert (await data(client, DUE, other, asOf="2026-05-01"))["creditReviewsDue"]["totalCount"] == 0


async def test_a_kyc_review_over_the_api_needs_a_second_officer_in_cloudly(client, scope_a, scope_b):
    first = await make_token("cloudly", StaffRole.COMPLIANCE, name="cleo")
    second = await make_token("cloudly", StaffRole.COMPLIANCE, name="cato")
    credit = await make_token("cloudly", StaffRole.CREDIT, name="credit")
    cust = await b.customer(scope_b, "Kunde AG", currency="EUR")
    customer_id = encode_id("Customer", cust.id)

    refused = (await gql(client, START, credit, {"input": {"customerId": customer_id}})).json()
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    started = (await data(client, START, first, input={"customerId": customer_id}))["startKycReview"][
        "review"
    ]
    assert started["status"] == "in_review" and len(started["checklist"]) == 3
    proposal = await data(client, FINISH, first, input={"reviewId": started["id"], "outcome": "FAIL"})
    assert proposal["completeKycReview"]["review"] == {
        "status": "in_review",
        "proposedOutcome": "fail",
        "reviewer": None,
    }
    again = await data(client, FINISH, first, input={"reviewId": started["id"], "outcome": "FAIL"})
    assert again["completeKycReview"]["userErrors"] == [{"field": None, "code": "self_approval"}]
    decided = await data(client, FINISH, second, input={"reviewId": started["id"], "outcome": "FAIL"})
    assert decided["completeKycReview"]["review"] == {
        "status": "rejected",
        "proposedOutcome": "fail",
        "reviewer": "token:cato",
    }
