"""arSummary through GraphQL: every row of metrics.md's worked example, as-of dates, FX, tenancy."""

from __future__ import annotations

from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

SUMMARY = """
query ($asOf: Date, $filter: CustomerFilter) {
  arSummary(asOf: $asOf, filter: $filter) {
    asOf periodDays
    totalOpen { amount currencyCode } overdue { amount } unapplied { amount } netBalance { amount }
    aging { buckets { label fromDays toDays amount { amount currencyCode } count } }
    creditSales { amount } arPeriodStart { amount }
    dso countbackDso bestPossibleDso averageDaysDelinquent cei
    customersWithBalance customersOverLimit
    openDisputes { count amount { amount } }
    byCurrency { currencyCode totalOpen { amount } unapplied { amount } netBalance { amount }
                 aging { buckets { amount { amount currencyCode } } } }
  }
}
"""


def amounts(summary: dict) -> list[str]:
    return [b["amount"]["amount"] for b in summary["aging"]["buckets"]]


async def summary_of(client, token, as_of, flt=None) -> dict:
    response = await gql(client, SUMMARY, token, {"asOf": as_of, "filter": flt})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["arSummary"]


async def test_given_the_worked_example_when_asked_via_graphql_then_every_row_of_the_table_matches(
    client, scope_a, scope_b
):
    await builders.worked_example(scope_a, credit_limit=300000)
    token = await make_token("northwind", StaffRole.VIEWER)

    s = await summary_of(client, token, "2026-06-30")

    assert s["totalOpen"] == {"amount": "3700.00", "currencyCode": "USD"}
    assert (s["unapplied"]["amount"], s["netBalance"]["amount"]) == ("150.00", "3550.00")
    assert [(b["label"], b["fromDays"], b["toDays"]) for b in s["aging"]["buckets"]] == [
        ("Current", None, 0),
        ("1-30", 1, 30),
        ("31-60", 31, 60),
        ("61-90", 61, 90),
        ("91-120", 91, 120),
        ("121+", 121, None),
    ]
    assert amounts(s) == ["2500.00", "600.00", "0.00", "0.00", "600.00", "0.00"]
    assert [b["count"] for b in s["aging"]["buckets"]] == [1, 1, 0, 0, 1, 0]
    assert s["overdue"]["amount"] == "1200.00"
    assert s["creditSales"]["amount"] == "3100.00"
    assert s["arPeriodStart"]["amount"] == "1000.00"
    assert (s["dso"], s["countbackDso"], s["bestPossibleDso"], s["averageDaysDelinquent"]) == (
        103.06,
        104.95,
        72.58,
        30.48,
    )
    assert s["cei"] == 34.375
    assert (s["customersWithBalance"], s["customersOverLimit"]) == (1, 1)


async def test_given_the_worked_example_when_asked_as_of_april_10_then_inv1_is_whole_and_10_days_late(
    client, scope_a, scope_b
):
    await builders.worked_example(scope_a)
    token = await make_token("northwind", StaffRole.VIEWER)

    s = await summary_of(client, token, "2026-04-10")

    assert s["totalOpen"]["amount"] == "1000.00"
    assert s["unapplied"]["amount"] == "0.00"
    assert amounts(s) == ["0.00", "1000.00", "0.00", "0.00", "0.00", "0.00"]


async def test_given_both_tenants_have_data_then_each_token_sees_only_its_own(client, scope_a, scope_b):
    await builders.worked_example(scope_a)
    other = await builders.customer(scope_b, currency="EUR")
    await builders.invoice(scope_b, other, 99900, "2026-06-01", "2026-06-30", currency="EUR")

    a = await summary_of(client, await make_token("northwind"), "2026-06-30")
    b = await summary_of(client, await make_token("cloudly"), "2026-06-30")

    assert (a["totalOpen"], b["totalOpen"]) == (
        {"amount": "3700.00", "currencyCode": "USD"},
        {"amount": "999.00", "currencyCode": "EUR"},
    )
    assert b["customersWithBalance"] == 1 and [c["currencyCode"] for c in b["byCurrency"]] == ["EUR"]


async def test_given_eur_gbp_jpy_invoices_in_a_usd_tenant_then_each_currency_total_converts_once(
    client, scope_a, scope_b
):
    c = await builders.customer(scope_a, currency="EUR")
    # Two EUR 10.01 invoices in different buckets: each cell rounds 15.015 up to 15.02, the total of
    # EUR 20.02 converts once to exactly 30.03, so the buckets foot to the total within 1 cent per cell.
    await builders.invoice(scope_a, c, 1001, "2026-06-01", "2026-07-15", currency="EUR")
    await builders.invoice(scope_a, c, 1001, "2026-05-01", "2026-05-20", currency="EUR")
    await builders.invoice(scope_a, c, 50000, "2026-06-10", "2026-07-10", currency="GBP")
    await builders.invoice(scope_a, c, 123457, "2026-06-15", "2026-06-20", currency="JPY")
    await builders.fx_rate(scope_a, "EUR", "2026-06-01", "1.10")
    await builders.fx_rate(scope_a, "EUR", "2026-06-29", "1.5")  # the latest on or before D wins
    await builders.fx_rate(scope_a, "EUR", "2026-07-01", "9.99")  # after D: ignored
    await builders.fx_rate(scope_a, "GBP", "2026-06-01", "1.27")
    await builders.fx_rate(scope_a, "JPY", "2026-06-01", "0.0067")
    await builders.fx_rate(scope_b, "GBP", "2026-06-01", "99")  # the other tenant's rate is invisible
    token = await make_token("northwind")

    s = await summary_of(client, token, "2026-06-30")

    # EUR 20.02 x 1.5 = 30.03; GBP 500.00 x 1.27 = 635.00; JPY 123457 x 0.0067 = 827.1619 -> 827.16
    assert s["totalOpen"] == {"amount": "1492.19", "currencyCode": "USD"}
    by_currency = {t["currencyCode"]: t["totalOpen"]["amount"] for t in s["byCurrency"]}
    assert by_currency == {"EUR": "20.02", "GBP": "500.00", "JPY": "123457"}
    # Current: EUR 15.02 + GBP 635.00; 1-30: JPY (10 days); 31-60: EUR 15.02 (41 days).
    assert amounts(s) == ["650.02", "827.16", "15.02", "0.00", "0.00", "0.00"]
    cents = sum(round(float(a) * 100) for a in amounts(s))
    assert cents - 149219 == 1  # within metrics.md's 1 minor unit per currency per cell, not exact


async def test_given_no_rate_for_a_currency_then_the_summary_is_an_error_naming_it(client, scope_a, scope_b):
    c = await builders.customer(scope_a)
    await builders.invoice(scope_a, c, 1000, "2026-06-01", "2026-06-30", currency="CHF")

    response = await gql(client, SUMMARY, await make_token("northwind"), {"asOf": "2026-06-30"})

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "fx_rate_missing" and "CHF" in error["message"]
