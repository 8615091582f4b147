"""What a GraphQL document may ask for: a cost budget per schema, short strings, bounded pages, bounded
arguments, and no "Did you mean" hints where introspection is off (docs/limits.md)."""

from __future__ import annotations

import httpx
import pytest
from graphql import get_introspection_query, parse

from app.ids import encode_id
from app.tenancy.service import system_scope
from schema import cost
from schema.portal.schema import build_schema as build_portal_schema
from schema.staff.schema import MAX_COST, build_schema
from tests import payments_data as data
from tests.helpers import gql, make_token, production_settings
from tests.portal_data import world
from tests.signin_flow import graphql, person, sign_in


def fan_out(levels: int, on: str = "Query", leaf: str = "viewer { role }") -> str:
    """A short document whose fragments each spread the previous one twice: 2^levels copies of ``leaf``."""
    fragments = [f"fragment F0 on {on} {{ {leaf} }}"]
    fragments += [f"fragment F{i} on {on} {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return "\n".join(fragments) + f"\nquery {{ ...F{levels} }}"


def price(document: str, variables: dict | None = None) -> int:
    return cost.estimate(
        build_schema()._schema, parse(document), variables, default_page_size=100, max_page_size=100
    )


async def test_given_a_fragment_fan_out_then_it_is_refused_as_too_costly_before_it_runs(client):
    token = await make_token("northwind")
    document = fan_out(20)
    assert len(document) < 900  # the 861-byte document of the probe

    answer = await gql(client, document, token)

    body = answer.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "query_too_costly"
    assert "2,097,152" in error["message"] and f"{MAX_COST:,}" in error["message"]


async def test_given_the_fan_out_on_the_portal_then_its_own_budget_refuses_it(browser, providers):
    await world()
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )

    answer = await graphql(
        browser, "/portal/graphql", fan_out(16, "PortalQuery", "me { contact { email } }"), "portal"
    )

    assert answer.json()["errors"][0]["extensions"]["code"] == "query_too_costly"


def test_the_estimate_counts_fields_after_expansion_and_lists_by_their_page_size():
    page = "{ customers(first: 10) { totalCount edges { node { name } } } }"

    assert price("{ viewer { role } }") == 2
    assert price(page) == 1 + 10 * (1 + (1 + (1 + 1)))  # edges are counted by the connection's first
    assert price("query($n: Int) { customers(first: $n) { totalCount } }", {"n": 7}) == 1 + 7
    assert price("{ customers { totalCount } }") == 1 + 100  # no first: a page of the default size
    assert price("{ customers(first: 100000) { totalCount } }") == 1 + 100  # refused when it runs
    assert (
        price("fragment N on Customer { name } { customers(first: 3) { edges { node { ...N } } } }")
        == 1 + 3 * 3
    )


def test_the_estimate_never_expands_fragments_and_saturates():
    """Each fragment is priced once: 2^300 copies cost no more time than 300 fragments."""
    assert price(fan_out(20)) == 2 * 2**20
    assert price(fan_out(300)) == cost.CAP
    cycle = "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }"
    assert price(cycle) == cost.CAP  # validation would refuse it: it is refused before


async def test_given_dashboard_queries_and_introspection_then_they_are_within_the_budget(client):
    token = await make_token("northwind")
    dashboard = """{ customers(first: 100, asOf: "2026-06-30") { totalCount edges { node { name
      balances { totalOpen { amount } overdue { amount } netBalance { amount } utilisation
        aging { buckets { amount { amount } } } }
      openInvoices(first: 5) { number openAmount { amount } daysPastDue } } } } }"""

    answer = await gql(client, dashboard, token)
    introspection = await gql(client, get_introspection_query(), token)

    assert price(dashboard) < MAX_COST / 5
    assert answer.json() == {"data": {"customers": {"totalCount": 0, "edges": []}}}
    assert "errors" not in introspection.json()  # GraphiQL's own query, outside production


async def test_given_a_megabyte_string_literal_then_it_is_refused_before_it_runs(client):
    token = await make_token("northwind")

    answer = await gql(
        client, '{ customers(filter: {search: "%s"}) { totalCount } }' % ("x" * 1_000_000), token
    )

    assert answer.json()["errors"][0]["extensions"]["code"] == "string_too_long"


@pytest.mark.parametrize(
    ("build", "query"),
    [
        (lambda: build_schema(introspection=False), "{ custmer { id } }"),
        (lambda: build_schema(introspection=False), "{ customers(frst: 1) { totalCount } }"),
        (lambda: build_portal_schema(introspection=False), "{ acount(id: 1) { name } }"),
        (lambda: build_portal_schema(introspection=False), "{ me { contact { emial } } }"),
    ],
)
async def test_given_introspection_off_then_errors_suggest_no_names(build, query):
    result = await build().execute(query)

    assert result.errors and all("Did you mean" not in e.message for e in result.errors)
    assert all("Unknown" in e.message or "Cannot query" in e.message for e in result.errors)


async def test_given_introspection_off_then_variable_values_suggest_no_enum_values_either():
    query = "query($s: SupportStatus) { supportRequests(filter: {status: $s}) { totalCount } }"

    hidden = await build_schema(introspection=False).execute(query, variable_values={"s": "OPN"})
    shown = await build_schema(introspection=True).execute(query, variable_values={"s": "OPN"})

    assert "Did you mean" not in hidden.errors[0].message
    assert "Did you mean the enum value 'OPEN'?" in shown.errors[0].message  # development keeps them


async def test_given_production_then_a_mistyped_field_names_nothing_over_http(settings, registry, tenants):
    from app.web.app import create_app

    production = production_settings(settings)
    token = await make_token("northwind")
    app = create_app(production, registry, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        answer = await gql(http, "{ custmer { id } }", token)

    assert answer.json()["errors"][0]["message"] == "Cannot query field 'custmer' on type 'Query'."


async def test_given_a_page_size_above_a_lists_bound_then_page_size_error(client):
    scope = await system_scope("northwind")
    await data.customer(scope, "acme")
    await data.customer(await system_scope("cloudly"), "zeta", "EUR")
    token = await make_token("northwind")

    nested = await gql(
        client, "{ customers { edges { node { openInvoices(first: 100000) { number } } } } }", token
    )
    queue = await gql(client, "{ supportRequests(first: 100000) { totalCount } }", token)

    assert nested.json()["errors"][0]["extensions"]["code"] == "page_size"
    assert queue.json()["errors"][0]["extensions"]["code"] == "page_size"


async def test_given_portal_lists_then_their_pages_are_bounded(browser, providers):
    w = await world()
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )
    account = {"id": encode_id("Account", w.x.id)}

    payments = await graphql(
        browser,
        "/portal/graphql",
        "query($id: ID!) { account(id: $id) { payments(first: 100000) { id } } }",
        "portal",
        account,
    )
    requests = await graphql(
        browser,
        "/portal/graphql",
        "query($id: ID!) { supportRequests(accountId: $id, first: 100000) { id } }",
        "portal",
        account,
    )
    offset = await graphql(
        browser,
        "/portal/graphql",
        "query($id: ID!) { account(id: $id) { payments(offset: -1) { id } } }",
        "portal",
        account,
    )
    within = await graphql(
        browser,
        "/portal/graphql",
        "query($id: ID!) { account(id: $id) { payments(first: 100) { id } } }",
        "portal",
        account,
    )

    assert payments.json()["errors"][0]["extensions"]["code"] == "page_size"
    assert requests.json()["errors"][0]["extensions"]["code"] == "page_size"
    assert offset.json()["errors"][0]["extensions"]["code"] == "invalid_offset"
    assert len(within.json()["data"]["account"]["payments"]) == 3  # all of Xenon's payments


async def test_given_a_hold_out_beyond_any_history_then_the_backtest_refuses_it(client):
    token = await make_token("northwind")

    huge = await gql(client, "{ payDateBacktest(holdoutDays: 2147483647) { sampleSize } }", token)
    early = await gql(
        client, '{ payDateBacktest(asOf: "0001-01-02", holdoutDays: 90) { sampleSize } }', token
    )
    usual = await gql(client, "{ payDateBacktest(holdoutDays: 90) { sampleSize } }", token)

    assert huge.json()["errors"][0]["extensions"]["code"] == "out_of_range"
    assert "3660" in huge.json()["errors"][0]["message"]
    # Refused before the backtest runs: no date before 1900-01-01 is accepted (docs/validation.md).
    assert early.json()["errors"][0]["extensions"]["code"] == "date_out_of_range"
    assert usual.json() == {"data": {"payDateBacktest": {"sampleSize": 0}}}
