"""Sales staff see only their own customers when the tenant file says so (northwind: yes, cloudly: no),
in the API and in the CSV exports; exports stream the same figures as the API, per tenant."""

from __future__ import annotations

import csv
import io

from app.models.enums import StaffRole
from schema.common.ids import encode_id
from tests import builders
from tests.helpers import gql, make_token

SUMMARY = '{ arSummary(asOf: "2026-06-30") { totalOpen { amount } customersWithBalance } }'
CUSTOMER = "query ($id: ID!) { customer(id: $id) { name } }"
CUSTOMERS = '{ customers(first: 10, asOf: "2026-06-30") { totalCount edges { node { name } } } }'


async def two_owners(scope, currency: str):
    """One customer owned by the sales token ``token:sales-token``, one by someone else."""
    mine = await builders.customer(scope, "Mine", sales_owner="token:sales-token", currency=currency)
    await builders.invoice(scope, mine, 10000, "2026-06-01", "2026-06-20", currency=currency)
    theirs = await builders.customer(scope, "Theirs", sales_owner="someone@else.example", currency=currency)
    await builders.invoice(scope, theirs, 90000, "2026-06-01", "2026-07-20", currency=currency)
    return mine, theirs


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_northwind_sales_sees_only_own_customers_everywhere(client, scope_a, scope_b):
    _, theirs = await two_owners(scope_a, "USD")
    await two_owners(scope_b, "EUR")
    sales = await make_token("northwind", StaffRole.SALES)
    finance = await make_token("northwind", StaffRole.FINANCE)

    sales_summary = (await gql(client, SUMMARY, sales)).json()["data"]["arSummary"]
    sales_customers = (await gql(client, CUSTOMERS, sales)).json()["data"]["customers"]
    finance_summary = (await gql(client, SUMMARY, finance)).json()["data"]["arSummary"]
    export = await client.get(
        "/exports/customers.csv?asOf=2026-06-30", headers={"Authorization": f"Bearer {sales}"}
    )

    assert sales_summary == {"totalOpen": {"amount": "100.00"}, "customersWithBalance": 1}
    assert [e["node"]["name"] for e in sales_customers["edges"]] == ["Mine"]
    assert finance_summary == {"totalOpen": {"amount": "1000.00"}, "customersWithBalance": 2}
    assert [r["name"] for r in csv_rows(export.text)] == ["Mine"]
    other = (await gql(client, CUSTOMER, sales, {"id": encode_id("Customer", theirs.id)})).json()
    assert other["errors"][0]["extensions"]["code"] == "not_found"


async def test_cloudly_sales_sees_every_customer(client, scope_a, scope_b):
    await two_owners(scope_a, "USD")
    await two_owners(scope_b, "EUR")
    sales = await make_token("cloudly", StaffRole.SALES)

    summary = (await gql(client, SUMMARY, sales)).json()["data"]["arSummary"]
    listed = (await gql(client, CUSTOMERS, sales)).json()["data"]["customers"]

    assert summary == {"totalOpen": {"amount": "1000.00"}, "customersWithBalance": 2}
    assert sorted(e["node"]["name"] for e in listed["edges"]) == ["Mine", "Theirs"]


async def test_aging_export_streams_the_api_figures_for_the_callers_tenant_only(client, scope_a, scope_b):
    await builders.worked_example(scope_a)
    await builders.worked_example(scope_b)
    await builders.fx_rate(scope_b, "USD", "2026-01-01", "0.5")
    token = await make_token("northwind", StaffRole.VIEWER)

    response = await client.get(
        "/exports/aging.csv?asOf=2026-06-30&region=North", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "aging-northwind-2026-06-30.csv" in response.headers["content-disposition"]
    assert csv_rows(response.text) == [
        {
            "account_number": csv_rows(response.text)[0]["account_number"],
            "name": "Customer A",
            "region": "North",
            "segment": "Enterprise",
            "country": "US",
            "currency": "USD",
            "Current": "2500.00",
            "1-30": "600.00",
            "31-60": "0.00",
            "61-90": "0.00",
            "91-120": "600.00",
            "121+": "0.00",
            "total_open": "3700.00",
            "unapplied": "150.00",
            "net_balance": "3550.00",
        }
    ]


async def test_exports_need_a_token_and_a_valid_date(client, scope_a, scope_b):
    token = await make_token("northwind")

    anonymous = await client.get("/exports/aging.csv")
    bad_date = await client.get("/exports/aging.csv?asOf=June", headers={"Authorization": f"Bearer {token}"})

    assert anonymous.status_code == 401
    assert (
        bad_date.status_code == 400 and bad_date.json()["errors"][0]["extensions"]["code"] == "invalid_date"
    )


async def test_a_signed_in_sales_person_is_narrowed_like_a_token(browser, providers, scope_a, scope_b):
    """The access rule is applied where any credential becomes a scope, so a browser session obeys it too."""
    from app.auth import members
    from tests.signin_flow import graphql, person, sign_in

    mine = await builders.customer(scope_a, "Mine", sales_owner="sally@northwind.example", currency="USD")
    await builders.invoice(scope_a, mine, 10000, "2026-06-01", "2026-06-20", currency="USD")
    theirs = await builders.customer(scope_a, "Theirs", sales_owner="someone@else.example", currency="USD")
    await builders.invoice(scope_a, theirs, 90000, "2026-06-01", "2026-07-20", currency="USD")
    await two_owners(scope_b, "EUR")
    await members.invite_staff(scope_a, "sally@northwind.example", StaffRole.SALES)
    await sign_in(
        browser, "/auth/northwind/staff/login", await person(providers["a"], "sally@northwind.example")
    )

    listed = (await graphql(browser, "/graphql", CUSTOMERS, "staff")).json()["data"]["customers"]
    export = await browser.get("/exports/customers.csv?asOf=2026-06-30")

    assert [e["node"]["name"] for e in listed["edges"]] == ["Mine"]
    assert [r["name"] for r in csv_rows(export.text)] == ["Mine"]
