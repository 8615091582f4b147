"""customers connection and customer(id): filters, orderings, nested figures via DataLoaders, tenancy."""

from __future__ import annotations

from datetime import date

import pytest

from app.customers import repository as customer_repository
from app.customers.filters import CustomerFilter
from app.models import CustomerAccount
from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

CUSTOMERS = """
query ($first: Int, $after: String, $filter: CustomerListFilter, $orderBy: CustomerOrderBy) {
  customers(first: $first, after: $after, asOf: "2026-06-30", filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name accountNumber region riskRating
      priority { score overLimit brokenPromise weightedOverdue { amount } }
      balances { totalOpen { amount } overdue { amount } netBalance { amount } utilisation overLimit
                 aging { buckets { label amount { amount } } } }
      openInvoices(first: 5) { number openAmount { amount } daysPastDue }
    } }
  }
}
"""

NAMES = """
query ($filter: CustomerListFilter, $orderBy: CustomerOrderBy, $first: Int, $after: String) {
  customers(first: $first, after: $after, asOf: "2026-06-30", filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name } }
  }
}
"""

CUSTOMER = """
query ($id: ID!, $asOf: Date) {
  customer(id: $id, asOf: $asOf) {
    name
    balances { totalOpen { amount } unapplied { amount } netBalance { amount } creditLimit { amount }
               exposure { amount } utilisation overLimit }
    openInvoices { number openAmount { amount } daysPastDue }
    priority { score overdue { amount } }
  }
}
"""


async def names(client, token, **variables) -> list[str]:
    body = (await gql(client, NAMES, token, variables)).json()
    assert "errors" not in body, body
    return [e["node"]["name"] for e in body["data"]["customers"]["edges"]]


async def many_customers(scope, count: int) -> None:
    for n in range(count):
        c = await builders.customer(scope, f"Cust {n:03d}", credit_limit=100000)
        for k in range(6):
            await builders.invoice(scope, c, 10000 + n + k, "2026-05-01", f"2026-06-{10 + k:02d}")


@pytest.mark.parametrize("order_by", ["NET_BALANCE", "NAME"])
async def test_given_50_customers_then_first_50_runs_the_same_queries_as_first_5(
    client, scope_a, scope_b, count_queries, order_by
):
    await many_customers(scope_a, 50)
    await many_customers(scope_b, 3)
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    await gql(client, "{ viewer { role } }", token)  # the token's first use records last_used_at

    count_queries.reset()
    small = (await gql(client, CUSTOMERS, token, {"first": 5, "orderBy": order_by})).json()
    queries_for_5 = len(count_queries)
    count_queries.reset()
    large = (await gql(client, CUSTOMERS, token, {"first": 50, "orderBy": order_by})).json()
    queries_for_50 = len(count_queries)

    assert len(small["data"]["customers"]["edges"]) == 5
    assert len(large["data"]["customers"]["edges"]) == 50
    assert large["data"]["customers"]["totalCount"] == 50  # cloudly's 3 are invisible
    assert all(len(e["node"]["openInvoices"]) == 5 for e in large["data"]["customers"]["edges"])
    assert queries_for_5 == queries_for_50 <= 9, count_queries.statements


async def test_given_the_worked_example_then_customer_360_shows_balances_exposure_and_invoices(
    client, scope_a, scope_b
):
    example = await builders.worked_example(scope_a, credit_limit=300000)
    token = await make_token("northwind", StaffRole.CREDIT)
    first = (await gql(client, NAMES, token, {})).json()["data"]["customers"]["edges"]
    assert [e["node"]["name"] for e in first] == ["Customer A"]
    listed = (await gql(client, CUSTOMERS, token, {"first": 1})).json()["data"]["customers"]["edges"][0][
        "node"
    ]

    body = (await gql(client, CUSTOMER, token, {"id": listed["id"], "asOf": "2026-06-30"})).json()

    c = body["data"]["customer"]
    assert c["balances"] == {
        "totalOpen": {"amount": "3700.00"},
        "unapplied": {"amount": "150.00"},
        "netBalance": {"amount": "3550.00"},
        "creditLimit": {"amount": "3000.00"},
        "exposure": {"amount": "3550.00"},
        "utilisation": 1.1833,
        "overLimit": True,
    }
    assert [(i["number"], i["openAmount"]["amount"], i["daysPastDue"]) for i in c["openInvoices"]] == [
        (example["inv1"].number, "600.00", 91),
        (example["inv3"].number, "600.00", 30),
        (example["inv2"].number, "2500.00", -1),
    ]
    # Overdue 1,200.00: 600 x 1.0 (1-30) + 600 x 2.5 (91-120) = 2,100.00; rating C x1.0; over limit +10%.
    assert c["priority"] == {"score": 2310.0, "overdue": {"amount": "1200.00"}}


async def test_given_another_tenants_customer_id_then_it_is_not_found(client, scope_a, scope_b):
    await builders.worked_example(scope_b)
    await builders.fx_rate(scope_b, "USD", "2026-01-01", "0.92")  # cloudly's base is EUR
    other_token = await make_token("cloudly")
    other_id = (await gql(client, CUSTOMERS, other_token, {"first": 1})).json()["data"]["customers"]["edges"][
        0
    ]["node"]["id"]

    body = (await gql(client, CUSTOMER, await make_token("northwind"), {"id": other_id})).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "not_found"


async def test_filters_and_orderings(client, scope_a, scope_b):
    big = await builders.customer(scope_a, "Big Overdue", region="South", risk_rating="E", credit_limit=1000)
    await builders.invoice(scope_a, big, 500000, "2026-01-01", "2026-02-01")
    small = await builders.customer(scope_a, "Small Current", region="North", account_number="ZZ-9")
    await builders.invoice(scope_a, small, 1000, "2026-06-20", "2026-07-20")
    await builders.customer(scope_a, "Alpha Nothing", region="North")
    await builders.customer(scope_b, "Big Overdue Elsewhere")
    token = await make_token("northwind")

    assert await names(client, token) == ["Alpha Nothing", "Big Overdue", "Small Current"]
    assert await names(client, token, orderBy="NET_BALANCE") == [
        "Big Overdue",
        "Small Current",
        "Alpha Nothing",
    ]
    assert (await names(client, token, orderBy="PRIORITY"))[0] == "Big Overdue"
    assert (await names(client, token, orderBy="UTILISATION"))[0] == "Big Overdue"
    assert await names(client, token, filter={"hasOverdue": True}) == ["Big Overdue"]
    assert await names(client, token, filter={"overLimit": True}) == ["Big Overdue"]
    assert await names(client, token, filter={"region": "North"}) == ["Alpha Nothing", "Small Current"]
    assert await names(client, token, filter={"search": "zz-9"}) == ["Small Current"]
    assert await names(client, token, filter={"search": "big"}) == ["Big Overdue"]
    assert await names(client, token, filter={"riskRating": "E"}) == ["Big Overdue"]


async def test_pages_follow_cursors_and_the_page_size_is_capped(client, scope_a, scope_b, settings):
    for n in range(3):
        await builders.customer(scope_a, f"P{n}")
    token = await make_token("northwind")

    first = (await gql(client, NAMES, token, {"first": 2})).json()["data"]["customers"]
    rest = await names(client, token, first=2, after=first["pageInfo"]["endCursor"])
    too_many = (await gql(client, NAMES, token, {"first": settings.max_page_size + 1})).json()

    assert [e["node"]["name"] for e in first["edges"]] == ["P0", "P1"] and first["pageInfo"]["hasNextPage"]
    assert rest == ["P2"]
    assert too_many["errors"][0]["extensions"]["code"] == "page_size"


COUNT_ONLY = """
query ($first: Int, $after: String, $orderBy: CustomerOrderBy, $filter: CustomerListFilter) {
  customers(first: $first, after: $after, asOf: "2026-06-30", orderBy: $orderBy, filter: $filter) {
    totalCount edges { node { name } }
  }
  invoices(first: $first, after: $after, asOf: "2026-06-30") { totalCount edges { node { number } } }
}
"""


@pytest.mark.parametrize("order_by", ["NAME", "NET_BALANCE"])
async def test_total_count_does_not_depend_on_the_page_asked_for(client, scope_a, scope_b, order_by):
    """A dashboard asks ``first: 0`` for a count badge, and a stale cursor can point past the end:
    neither page has a row, and the count of what matches is still the count."""
    for n in range(3):
        c = await builders.customer(scope_a, f"Counted {n}")
        await builders.invoice(scope_a, c, 10000, "2026-05-01", "2026-06-01")
    await builders.invoice(
        scope_b, await builders.customer(scope_b, "Elsewhere"), 500, "2026-05-01", "2026-06-01"
    )
    token = await make_token("northwind")
    past_end = (await gql(client, NAMES, token, {"first": 3})).json()["data"]["customers"]["pageInfo"]
    asks = [
        {"first": 0},
        {"first": 2, "after": past_end["endCursor"]},
        {"first": 0, "filter": {"hasOverdue": True}},
    ]

    answers = [
        (await gql(client, COUNT_ONLY, token, {**ask, "orderBy": order_by})).json()["data"] for ask in asks
    ]

    for answer in answers:
        assert answer["customers"] == {"totalCount": 3, "edges": []}
        assert answer["invoices"] == {"totalCount": 3, "edges": []}


OVER_LIMIT = """
{ arSummary(asOf: "2026-06-30") { customersOverLimit }
  customers(asOf: "2026-06-30", filter: {overLimit: true}) { edges { node { name balances { exposure { amount } } } } } }
"""


async def test_given_cover_from_a_letter_of_credit_then_summary_and_list_agree_on_who_is_over_limit(
    client, scope_a, scope_b
):
    covered = await builders.customer(scope_a, "Covered", credit_limit=100000)
    await builders.invoice(scope_a, covered, 150000, "2026-06-01", "2026-07-01")
    await builders.letter_of_credit(scope_a, covered, 60000, "2026-12-31")  # exposure 900 < limit 1,000
    exposed = await builders.customer(scope_a, "Exposed", credit_limit=100000)
    await builders.invoice(scope_a, exposed, 150000, "2026-06-01", "2026-07-01")
    other = await builders.customer(scope_b, "Elsewhere", credit_limit=1, currency="EUR")
    await builders.invoice(scope_b, other, 150000, "2026-06-01", "2026-07-01", currency="EUR")

    data = (await gql(client, OVER_LIMIT, await make_token("northwind", StaffRole.CREDIT))).json()["data"]

    assert data["arSummary"]["customersOverLimit"] == 1
    assert [e["node"] for e in data["customers"]["edges"]] == [
        {"name": "Exposed", "balances": {"exposure": {"amount": "1500.00"}}}
    ]


async def test_priority_is_computed_only_when_selected_and_then_equals_the_ranked_score(
    client, scope_a, count_queries
):
    """A name-ordered page reads accounts only; selecting priority loads it for the page in one batch,
    the very score the priority ordering ranks by."""
    example = await builders.worked_example(scope_a, credit_limit=300000)
    other = await builders.customer(scope_a, "Beta Ltd", risk_rating="E")
    await builders.invoice(scope_a, other, 5_000_000, "2026-03-01", "2026-03-31")
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    await gql(client, "{ viewer { role } }", token)
    scored = """query ($orderBy: CustomerOrderBy) { customers(asOf: "2026-06-30", orderBy: $orderBy) {
        edges { node { name priority { score weightedOverdue { amount } oldestDaysPastDue } } } } }"""

    count_queries.reset()
    await names(client, token, orderBy="NAME")
    without_priority = len(count_queries)
    count_queries.reset()
    by_name = (await gql(client, scored, token, {"orderBy": "NAME"})).json()["data"]["customers"]["edges"]
    with_priority = len(count_queries)
    by_priority = (await gql(client, scored, token, {"orderBy": "PRIORITY"})).json()["data"]["customers"]

    assert without_priority < with_priority
    ranked = {e["node"]["name"]: e["node"]["priority"] for e in by_priority["edges"]}
    assert {e["node"]["name"]: e["node"]["priority"] for e in by_name} == ranked
    assert [e["node"]["name"] for e in by_priority["edges"]] == ["Beta Ltd", example["customer"].legal_name]


async def test_a_name_page_reads_accounts_exactly_as_reading_them_by_id(db, scope_a, scope_b):
    """The name-ordered page builds its accounts from one raw statement; every field (enums, dates,
    booleans, nulls, the parent link) must come out as Tortoise reads the same rows itself."""
    parent = await builders.customer(scope_a, "Parent Group", risk_rating="E")
    await builders.customer(
        scope_a,
        "Child Ltd",
        parent_id=parent.id,
        credit_limit=12345,
        kyc_status="approved",
        kyc_next_review=date(2026, 9, 1),
        is_intercompany=True,
        counterparty_entity="Northwind GmbH",
        billing_address="1 Main St\nSpringfield",
    )
    await builders.customer(scope_b, "Another Tenant's")

    page, total = await customer_repository.page_by_name(scope_a, CustomerFilter(), 0, 10)
    by_id = await customer_repository.by_ids(scope_a, [a.id for a in page])

    def fields(account) -> dict:
        return {name: getattr(account, name) for name in CustomerAccount._meta.db_fields}

    assert total == 2
    assert [a.legal_name for a in page] == ["Child Ltd", "Parent Group"]
    assert [fields(a) for a in page] == [fields(by_id[a.id]) for a in page]
