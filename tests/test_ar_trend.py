"""arTrend: one point per month end, each as of its own date with the month as its period."""

from __future__ import annotations

from tests import builders
from tests.helpers import gql, make_token

TREND = """
{ arTrend(months: 4, asOf: "2026-06-30") {
    date ar { amount } overdue { amount } sales { amount } collections { amount } dso cei } }
"""


async def test_given_the_worked_example_then_each_month_end_shows_its_own_figures(client, scope_a, scope_b):
    await builders.worked_example(scope_a)
    await builders.worked_example(scope_b)

    body = (await gql(client, TREND, await make_token("northwind"))).json()

    assert "errors" not in body, body
    rows = [
        (
            p["date"],
            p["ar"]["amount"],
            p["overdue"]["amount"],
            p["sales"]["amount"],
            p["collections"]["amount"],
            p["dso"],
            p["cei"],
        )
        for p in body["data"]["arTrend"]
    ]
    assert rows == [
        # March: nothing collectible yet (all current), so CEI's divisor is 0: null, not a division error.
        ("2026-03-31", "1000.00", "0.00", "1000.00", "0.00", 31.0, None),
        # April: no sales, DSO null; CEI (1,000 + 0 - 600) / (1,000 + 0 - 0) = 40.
        ("2026-04-30", "600.00", "600.00", "0.00", "400.00", None, 40.0),
        ("2026-05-31", "1400.00", "600.00", "800.00", "0.00", 54.25, 0.0),
        # June: CEI (1,400 + 2,300 - 3,550) / (1,400 + 2,300 - 2,500) = 12.5.
        ("2026-06-30", "3550.00", "1200.00", "2300.00", "150.00", 46.3, 12.5),
    ]


async def test_each_point_is_the_summary_as_of_its_date_with_its_month_as_the_period(
    client, scope_a, scope_b
):
    """The trend reuses each point's open items as the next point's period start; every point must still
    equal the summary asked for that date and period on its own (a seeded portfolio: several currencies,
    partial payments, credit notes, write-offs, cash on account; a period start on Feb 29)."""
    from datetime import date

    from app.ingest import seeder

    await seeder.seed_tenant(scope_a, customers=12, months=16, seed=7, today=date(2028, 6, 15))
    await seeder.seed_tenant(scope_b, customers=4, months=6, seed=7, today=date(2028, 6, 15))
    token = await make_token("northwind")
    fields = "ar: netBalance { amount } overdue { amount } sales: creditSales { amount } dso cei"
    trend = (
        await gql(client, TREND.replace("2026-06-30", "2028-06-15").replace("months: 4", "months: 6"), token)
    ).json()
    points = trend["data"]["arTrend"]
    assert [p["date"] for p in points] == [
        "2028-01-31",
        "2028-02-29",
        "2028-03-31",
        "2028-04-30",
        "2028-05-31",
        "2028-06-15",
    ]
    for p in points:
        day = int(p["date"][-2:])
        summary = (
            await gql(
                client, f'{{ arSummary(asOf: "{p["date"]}", periodDays: {day}) {{ {fields} }} }}', token
            )
        ).json()["data"]["arSummary"]
        assert (p["ar"], p["overdue"], p["sales"], p["dso"], p["cei"]) == (
            summary["ar"],
            summary["overdue"],
            summary["sales"],
            summary["dso"],
            summary["cei"],
        ), p["date"]
