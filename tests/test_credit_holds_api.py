"""Credit holds over /graphql: place and release with userErrors, the hold on the customer and on the
collection worklist's customers (one loader per page), two tenants on both engines."""

from __future__ import annotations

from app.ids import encode_id
from app.models.enums import StaffRole
from tests import builders as b
from tests.helpers import gql, make_token

PLACE = """
mutation($input: PlaceCreditHoldInput!) {
  placeCreditHold(input: $input) { hold { id source reason placedBy releasedAt } userErrors { field code } }
}"""
RELEASE = """
mutation($input: ReleaseCreditHoldInput!) {
  releaseCreditHold(input: $input) { hold { releasedBy releaseReason } userErrors { field code } }
}"""
CUSTOMER = """
query($id: ID!) { customer(id: $id) { onCreditHold creditHolds { reason } all: creditHolds(includeReleased: true) { reason releaseReason } } }"""
WORKLIST = """
query { collectionWorklist(first: 20) { edges { node { customer { name onCreditHold creditHolds { source } } } } } }"""


async def data(client, query, token, **variables):
    body = (await gql(client, query, token, variables)).json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_hold_placed_and_released_over_the_api_shows_on_the_customer_and_the_worklist(
    client, scope_a, scope_b, count_queries
):
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    other = await make_token("cloudly", StaffRole.CREDIT, name="credit-b")
    held = await b.customer(scope_a, "Held Ltd")
    free = await b.customer(scope_a, "Free Ltd")
    for cust in (held, free):
        await b.invoice(scope_a, cust, 50_000, "2026-01-01", "2026-01-31")
    customer_id = encode_id("Customer", held.id)

    foreign = await data(client, PLACE, other, input={"customerId": customer_id, "reason": "x"})
    assert foreign["placeCreditHold"]["userErrors"] == [{"field": ["customerId"], "code": "not_found"}]
    placed = (await data(client, PLACE, credit, input={"customerId": customer_id, "reason": "Bounced"}))[
        "placeCreditHold"
    ]
    assert placed["hold"] | {"id": None} == {
        "id": None, "source": "MANUAL", "reason": "Bounced", "placedBy": "token:credit", "releasedAt": None,
    }  # fmt: skip
    shown = (await data(client, CUSTOMER, credit, id=customer_id))["customer"]
    assert shown == {
        "onCreditHold": True,
        "creditHolds": [{"reason": "Bounced"}],
        "all": [{"reason": "Bounced", "releaseReason": None}],
    }
    worklist = (await data(client, WORKLIST, credit))["collectionWorklist"]["edges"]
    assert {e["node"]["customer"]["name"]: e["node"]["customer"]["onCreditHold"] for e in worklist} == {
        "Held Ltd": True,
        "Free Ltd": False,
    }
    statements = [s for s in count_queries.statements if "credit_hold" in s]
    assert statements, "the holds were read"

    count_queries.reset()
    await data(client, WORKLIST, credit)
    assert len([s for s in count_queries.statements if "credit_hold" in s]) == 1, "one read for the page"

    bad = await data(client, RELEASE, other, input={"id": placed["hold"]["id"], "reason": "Paid"})
    assert bad["releaseCreditHold"]["userErrors"] == [{"field": ["id"], "code": "not_found"}]
    done = await data(client, RELEASE, credit, input={"id": placed["hold"]["id"], "reason": "Paid"})
    assert done["releaseCreditHold"]["hold"] == {"releasedBy": "token:credit", "releaseReason": "Paid"}
    shown = (await data(client, CUSTOMER, credit, id=customer_id))["customer"]
    assert shown == {
        "onCreditHold": False,
        "creditHolds": [],
        "all": [{"reason": "Bounced", "releaseReason": "Paid"}],
    }
