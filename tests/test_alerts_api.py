"""The staff ``alerts`` query and the alert mutations: filters, order, totals per rule, days overdue in the
tenant's time zone, who may see and act (docs/permissions.md), tenants apart, and no N+1."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.alerts import service
from app.models.enums import KycStatus, StaffRole
from schema.common.ids import encode_id
from tests import builders
from tests.helpers import gql, make_token
from tests.test_alerts import everything

# 03:00 UTC on 1 July 2026 is 30 June (a month end) in Chicago, northwind's time zone.
NOW = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
SALES = "token:sales-token"  # the sales owner a SALES token of make_token sees (access.sales_sees_own...)

ALERTS = """
query ($filter: AlertFilter, $orderBy: AlertOrderBy, $first: Int) {
  alerts(first: $first, filter: $filter, orderBy: $orderBy) {
    totalCount
    totalsByRule { rule count amount { amount currencyCode } }
    edges { node { id rule severity status items dueOn daysOverdue amount { amount currencyCode }
                   customer { name salesOwner } } }
  }
}
"""
WITH_HISTORY = """
query { alerts(first: 50) { edges { node { rule customer { name salesOwner } history { kind by } } } } }
"""
ACKNOWLEDGE = """
mutation ($id: ID!) { acknowledgeAlert(input: {id: $id}) {
  alert { status acknowledgedBy history { kind by } } userErrors { field code message } } }
"""
SNOOZE = """
mutation ($id: ID!, $until: Date!) { snoozeAlert(input: {id: $id, until: $until}) {
  alert { status snoozedUntil } userErrors { field code message } } }
"""
RESOLVE = """
mutation ($id: ID!, $note: String) { resolveAlert(input: {id: $id, note: $note}) {
  alert { status resolutionNote resolvedBy } userErrors { field code message } } }
"""


async def portfolio(scope_a, scope_b, registry) -> dict:
    """Northwind: Acme (the sales token's) 91+ days overdue; Beta (Ann's) 40 days overdue and over its
    limit; Cyan (Ann's) with its KYC review overdue. Cloudly: one overdue customer of its own."""
    acme = await builders.customer(scope_a, "Acme", sales_owner=SALES)
    await builders.invoice(scope_a, acme, 10000, "2026-02-28", "2026-03-31")  # 91 days
    beta = await builders.customer(scope_a, "Beta", sales_owner="ann@northwind.example", credit_limit=5000)
    await builders.invoice(scope_a, beta, 20000, "2026-04-20", "2026-05-21")  # 40 days
    cyan = await builders.customer(
        scope_a,
        "Cyan",
        sales_owner="ann@northwind.example",
        kyc_status=KycStatus.EXPIRED,
        kyc_next_review=date(2026, 6, 1),
    )
    zeta = await builders.customer(scope_b, "Zeta", currency="EUR")
    await builders.invoice(scope_b, zeta, 30000, "2026-03-01", "2026-04-01", currency="EUR")
    await builders.fx_rate(scope_b, "USD", "2026-01-01", "0.9")
    with clock.frozen(NOW):
        config = everything(registry)
        await service.evaluate(scope_a, config, config.today())
        await service.evaluate(scope_b, everything(registry, "cloudly"), TODAY)
    return {"acme": acme, "beta": beta, "cyan": cyan, "zeta": zeta}


async def listed(client, token, **variables) -> dict:
    with clock.frozen(NOW):
        body = (await gql(client, ALERTS, token, {"first": 50, **variables})).json()
    assert "errors" not in body, body
    return body["data"]["alerts"]


def rows(page: dict) -> list[tuple]:
    return [(e["node"]["customer"]["name"], e["node"]["rule"], e["node"]["severity"]) for e in page["edges"]]


async def test_alerts_are_ordered_most_severe_first_with_totals_per_rule(client, scope_a, scope_b, registry):
    await portfolio(scope_a, scope_b, registry)
    finance = await make_token("northwind", StaffRole.FINANCE)

    page = await listed(client, finance)

    assert page["totalCount"] == 4
    assert rows(page) == [
        ("Acme", "invoice_overdue", "CRITICAL"),  # due 31 March
        ("Cyan", "kyc_review", "CRITICAL"),  # due 1 June
        ("Beta", "invoice_overdue", "WARNING"),
        ("Beta", "credit_limit_exceeded", "WARNING"),  # no date
    ]
    acme = page["edges"][0]["node"]
    # 30 June in Chicago (it is already 1 July in UTC): 91 days after 31 March.
    assert (acme["dueOn"], acme["daysOverdue"], acme["items"]) == ("2026-03-31", 91, 1)
    assert acme["amount"] == {"amount": "100.00", "currencyCode": "USD"}
    assert page["totalsByRule"] == [
        {"rule": "credit_limit_exceeded", "count": 1, "amount": {"amount": "150.00", "currencyCode": "USD"}},
        {"rule": "invoice_overdue", "count": 2, "amount": {"amount": "300.00", "currencyCode": "USD"}},
        {"rule": "kyc_review", "count": 1, "amount": None},
    ]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"filter": {"severity": "CRITICAL"}}, [("Acme", "invoice_overdue"), ("Cyan", "kyc_review")]),
        (
            {"filter": {"owner": "ann@northwind.example"}, "orderBy": "RULE"},
            [("Beta", "credit_limit_exceeded"), ("Beta", "invoice_overdue"), ("Cyan", "kyc_review")],
        ),
        ({"filter": {"rule": "invoice_overdue"}, "orderBy": "AMOUNT"}, [("Beta", "invoice_overdue"), ("Acme", "invoice_overdue")]),
        (
            {"orderBy": "CUSTOMER"},
            [("Acme", "invoice_overdue"), ("Beta", "invoice_overdue"), ("Beta", "credit_limit_exceeded"), ("Cyan", "kyc_review")],
        ),
        ({"orderBy": "OWNER", "filter": {"severity": "WARNING"}}, [("Beta", "invoice_overdue"), ("Beta", "credit_limit_exceeded")]),
        ({"filter": {"status": "RESOLVED"}}, []),
    ],
    ids=["severity", "owner", "rule by amount", "customer", "owner order", "status"],
)  # fmt: skip
async def test_alerts_filter_and_order(client, scope_a, scope_b, registry, variables, expected):
    await portfolio(scope_a, scope_b, registry)

    page = await listed(client, await make_token("northwind", StaffRole.COLLECTIONS), **variables)

    assert [(name, rule) for name, rule, _ in rows(page)] == expected
    assert page["totalCount"] == len(expected)
    assert sum(t["count"] for t in page["totalsByRule"]) == len(expected)


async def test_alerts_of_one_customer_and_of_another_tenant(client, scope_a, scope_b, registry):
    w = await portfolio(scope_a, scope_b, registry)
    finance = await make_token("northwind", StaffRole.FINANCE)

    beta = await listed(client, finance, filter={"customerId": encode_id("Customer", w["beta"].id)})
    zeta = await listed(client, finance, filter={"customerId": encode_id("Customer", w["zeta"].id)})
    cloudly = await listed(client, await make_token("cloudly", StaffRole.FINANCE))
    other_id = cloudly["edges"][0]["node"]["id"]
    with clock.frozen(NOW):
        answers = [
            (await gql(client, q, finance, {"id": other_id, "until": "2026-07-10"})).json()["data"]
            for q in (ACKNOWLEDGE, SNOOZE, RESOLVE)
        ]

    assert [r[1] for r in rows(beta)] == ["invoice_overdue", "credit_limit_exceeded"]
    assert zeta["totalCount"] == 0 and zeta["totalsByRule"] == []
    assert rows(cloudly) == [("Zeta", "invoice_overdue", "CRITICAL")]  # cloudly's last threshold is 60
    assert [next(iter(a.values()))["userErrors"][0]["code"] for a in answers] == ["not_found"] * 3


async def test_who_may_see_and_act_on_alerts(client, scope_a, scope_b, registry):
    await portfolio(scope_a, scope_b, registry)
    viewer = await make_token("northwind", StaffRole.VIEWER, name="viewer")
    support = await make_token("northwind", StaffRole.SUPPORT, name="support")
    sales = await make_token("northwind", StaffRole.SALES)
    collector = await make_token("northwind", StaffRole.COLLECTIONS, name="collector")

    seen = {
        who: await listed(client, t)
        for who, t in (("viewer", viewer), ("support", support), ("sales", sales))
    }
    alert_id = seen["viewer"]["edges"][0]["node"]["id"]
    with clock.frozen(NOW):
        denied = [
            (await gql(client, q, t, {"id": alert_id, "until": "2026-07-10"})).json()
            for q in (ACKNOWLEDGE, SNOOZE, RESOLVE)
            for t in (viewer, support, sales)
        ]
        acknowledged = (await gql(client, ACKNOWLEDGE, collector, {"id": alert_id})).json()["data"]
        past = (await gql(client, SNOOZE, collector, {"id": alert_id, "until": "2026-06-30"})).json()["data"]
        snoozed = (await gql(client, SNOOZE, collector, {"id": alert_id, "until": "2026-07-10"})).json()[
            "data"
        ]
        resolved = (await gql(client, RESOLVE, collector, {"id": alert_id, "note": "called, paying"})).json()
        again = (await gql(client, RESOLVE, collector, {"id": alert_id})).json()["data"]

    assert seen["viewer"]["totalCount"] == seen["support"]["totalCount"] == 4
    assert rows(seen["sales"]) == [("Acme", "invoice_overdue", "CRITICAL")]  # own customers only
    assert {d["errors"][0]["extensions"]["code"] for d in denied} == {"forbidden"}
    assert acknowledged["acknowledgeAlert"]["alert"] == {
        "status": "ACKNOWLEDGED",
        "acknowledgedBy": "token:collector",
        "history": [{"kind": "acknowledged", "by": "token:collector"}],
    }
    assert past["snoozeAlert"]["userErrors"][0] == {
        "field": ["until"],
        "code": "not_in_future",
        "message": "snooze until a later day than today",
    }
    assert snoozed["snoozeAlert"]["alert"] == {"status": "SNOOZED", "snoozedUntil": "2026-07-10"}
    assert resolved["data"]["resolveAlert"]["alert"] == {
        "status": "RESOLVED",
        "resolutionNote": "called, paying",
        "resolvedBy": "token:collector",
    }
    assert again["resolveAlert"]["userErrors"][0]["code"] == "already_resolved"


async def test_listing_alerts_with_customers_and_history_takes_the_same_queries_for_any_page(
    client, scope_a, scope_b, registry, count_queries
):
    finance = await make_token("northwind", StaffRole.FINANCE)
    await portfolio(scope_a, scope_b, registry)

    async def queries() -> tuple[int, int]:
        count_queries.reset()
        body = (await gql(client, WITH_HISTORY, finance)).json()
        assert "errors" not in body, body
        return len(body["data"]["alerts"]["edges"]), len(count_queries)

    await queries()  # the token's first use writes its last_used_at once
    few = await queries()
    for n in range(6):
        c = await builders.customer(scope_a, f"More {n}", sales_owner=f"owner{n}@northwind.example")
        await builders.invoice(scope_a, c, 5000 + n, "2026-01-01", "2026-02-01")
    with clock.frozen(NOW):
        await service.evaluate(scope_a, everything(registry), TODAY)
    many = await queries()

    assert (few[0], many[0]) == (4, 10)
    assert many[1] == few[1], "\n".join(count_queries.statements)
