"""collectionWorklist: ranked by the priority score, with its parts and the suggested next action."""

from __future__ import annotations

from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

WORKLIST = """
{ collectionWorklist(first: 10, asOf: "2026-06-30") {
    totalCount
    edges { node {
      customer { name }
      priority { score overdue { amount } weightedOverdue { amount } disputed { amount } riskWeight
                 overLimit brokenPromise oldestDaysPastDue }
      suggestedAction
    } }
} }
"""


async def test_given_overdue_customers_then_they_are_ranked_by_score_with_parts_and_actions(
    client, scope_a, scope_b
):
    # 1,000 overdue 100 days (91-120: weight 2.5), rating E (1.5): 3,750.
    old = await builders.customer(scope_a, "Old Debt", risk_rating="E")
    await builders.invoice(scope_a, old, 100000, "2026-02-01", "2026-03-22")
    # 2,000 overdue 10 days (weight 1.0), rating A (0.8), broken promise (+25%): 2,000.
    promiser = await builders.customer(scope_a, "Promiser", risk_rating="A")
    await builders.invoice(scope_a, promiser, 200000, "2026-05-20", "2026-06-20")
    await builders.promise(scope_a, promiser, 200000, "2026-06-25", status="broken")
    # 5,000 overdue 45 days, all of it disputed: nothing to dun, score 0, resolve the dispute.
    disputed = await builders.customer(scope_a, "Disputer")
    inv = await builders.invoice(scope_a, disputed, 500000, "2026-04-16", "2026-05-16")
    await builders.dispute(scope_a, inv, 500000, "2026-05-20")
    # Not overdue: not on the list.
    fine = await builders.customer(scope_a, "Fine")
    await builders.invoice(scope_a, fine, 900000, "2026-06-20", "2026-07-20")
    other = await builders.customer(scope_b, "Other Tenant Debtor")
    await builders.invoice(scope_b, other, 999900, "2026-01-01", "2026-01-31", currency="EUR")

    body = (await gql(client, WORKLIST, await make_token("northwind", StaffRole.COLLECTIONS))).json()

    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["collectionWorklist"]["edges"]]
    assert [(n["customer"]["name"], n["priority"]["score"], n["suggestedAction"]) for n in nodes] == [
        ("Old Debt", 3750.0, "final_notice"),
        ("Promiser", 2000.0, "escalate"),
        ("Disputer", 0.0, "resolve_dispute"),
    ]
    assert nodes[0]["priority"] == {
        "score": 3750.0,
        "overdue": {"amount": "1000.00"},
        "weightedOverdue": {"amount": "2500.00"},
        "disputed": {"amount": "0.00"},
        "riskWeight": 1.5,
        "overLimit": False,
        "brokenPromise": False,
        "oldestDaysPastDue": 100,
    }
    assert nodes[2]["priority"]["disputed"] == {"amount": "5000.00"}
