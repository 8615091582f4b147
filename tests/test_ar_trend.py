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
