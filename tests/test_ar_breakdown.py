"""arBreakdown: groups sum to arSummary and buckets sum to totalOpen (exactly in one currency, within
metrics.md's rounding tolerance across currencies); the other tenant stays invisible."""

from __future__ import annotations

from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

BREAKDOWN = """
query ($by: ArDimension!, $asOf: Date, $filter: CustomerFilter) {
  arBreakdown(by: $by, asOf: $asOf, filter: $filter) {
    key totalOpen { amount currencyCode } overdue { amount } unapplied { amount } netBalance { amount }
    creditSales { amount } customersWithBalance dso
    aging { buckets { amount { amount } } }
  }
  arSummary(asOf: $asOf, filter: $filter) {
    totalOpen { amount } overdue { amount } unapplied { amount } netBalance { amount } creditSales { amount }
    customersWithBalance
  }
}
"""

MONEY_FIELDS = ("totalOpen", "overdue", "unapplied", "netBalance", "creditSales")


def cents(amount: str) -> int:
    whole, _, frac = amount.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac or "0").ljust(2, "0")))


async def portfolio(scope, scope_other) -> None:
    """Three regions, two segments, several owners and ratings, partly paid, with unapplied cash."""
    specs = [
        ("North", "Enterprise", "A", "ann@northwind.example"),
        ("North", "SMB", "C", "bob@northwind.example"),
        ("South", "SMB", "E", "ann@northwind.example"),
        ("West", "Enterprise", "B", "cy@northwind.example"),
    ]
    for n, (region, segment, rating, owner) in enumerate(specs):
        c = await builders.customer(
            scope, region=region, segment=segment, risk_rating=rating, sales_owner=owner
        )
        inv = await builders.invoice(scope, c, 100000 + n * 3333, "2026-03-15", "2026-04-14")
        await builders.invoice(scope, c, 55555 * (n + 1), "2026-06-05", "2026-07-05")
        await builders.payment(scope, c, 30001 + n, "2026-06-01", allocate=[(inv, 20000 + n, "2026-06-01")])
    other = await builders.customer(scope_other, region="North")
    await builders.invoice(scope_other, other, 777700, "2026-06-01", "2026-06-30", currency="EUR")


async def run(client, by: str, flt=None) -> dict:
    token = await make_token("northwind", StaffRole.FINANCE, name=f"t-{by}-{bool(flt)}")
    body = (await gql(client, BREAKDOWN, token, {"by": by, "asOf": "2026-06-30", "filter": flt})).json()
    assert "errors" not in body, body
    return body["data"]


async def test_given_one_currency_when_broken_down_by_each_dimension_then_groups_sum_exactly(
    client, scope_a, scope_b
):
    await portfolio(scope_a, scope_b)

    for by in ("REGION", "SEGMENT", "COUNTRY", "CURRENCY", "RISK_RATING", "SALES_OWNER"):
        data = await run(client, by)
        rows, summary = data["arBreakdown"], data["arSummary"]
        for name in MONEY_FIELDS:
            assert sum(cents(r[name]["amount"]) for r in rows) == cents(summary[name]["amount"]), (by, name)
        for row in rows:
            buckets = sum(cents(b["amount"]["amount"]) for b in row["aging"]["buckets"])
            assert buckets == cents(row["totalOpen"]["amount"]), (by, row["key"])
        if by != "CURRENCY":
            assert sum(r["customersWithBalance"] for r in rows) == summary["customersWithBalance"] == 4


async def test_given_regions_then_rows_are_keyed_by_region_and_the_other_tenant_is_absent(
    client, scope_a, scope_b
):
    await portfolio(scope_a, scope_b)

    rows = (await run(client, "REGION"))["arBreakdown"]

    assert sorted(r["key"] for r in rows) == ["North", "South", "West"]
    assert {r["totalOpen"]["currencyCode"] for r in rows} == {"USD"}


async def test_given_a_breakdown_row_then_the_summary_with_that_filter_is_the_same_row(
    client, scope_a, scope_b
):
    await portfolio(scope_a, scope_b)

    rows = {r["key"]: r for r in (await run(client, "REGION"))["arBreakdown"]}
    drilled = (await run(client, "REGION", {"region": "North"}))["arSummary"]

    for name in MONEY_FIELDS:
        assert drilled[name]["amount"] == rows["North"][name]["amount"]


async def test_given_several_currencies_then_groups_and_buckets_foot_within_the_rounding_tolerance(
    client, scope_a, scope_b
):
    for n, (region, currency) in enumerate(
        [("North", "EUR"), ("North", "GBP"), ("South", "EUR"), ("West", "JPY")]
    ):
        c = await builders.customer(scope_a, region=region, currency=currency)
        await builders.invoice(scope_a, c, 100001 + n * 7, "2026-06-01", "2026-06-20", currency=currency)
        await builders.invoice(scope_a, c, 33333 + n, "2026-05-01", "2026-05-10", currency=currency)
        await builders.invoice(scope_a, c, 999 + n, "2026-06-25", "2026-07-25", currency=currency)
    await builders.fx_rate(scope_a, "EUR", "2026-06-01", "1.0837")
    await builders.fx_rate(scope_a, "GBP", "2026-06-01", "1.2719")
    await builders.fx_rate(scope_a, "JPY", "2026-06-01", "0.006713")
    await portfolio(scope_b, scope_b)  # the other tenant's data never counts

    data = await run(client, "REGION")
    rows, summary = data["arBreakdown"], data["arSummary"]

    currencies_in = {"North": 2, "South": 1, "West": 1}
    for name in ("totalOpen", "overdue", "netBalance"):
        # Each row converts its own per-currency totals: at most 1 cent per currency per row apart.
        assert abs(sum(cents(r[name]["amount"]) for r in rows) - cents(summary[name]["amount"])) <= 4
    for row in rows:
        buckets = sum(cents(b["amount"]["amount"]) for b in row["aging"]["buckets"])
        cells = currencies_in[row["key"]] * len(row["aging"]["buckets"])
        assert abs(buckets - cents(row["totalOpen"]["amount"])) <= cells
    assert summary["totalOpen"]["amount"] != "0.00"
