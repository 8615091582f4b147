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


async def test_cash_applied_after_its_own_date_counts_as_unapplied_at_the_month_ends_between(
    client, scope_a, scope_b
):
    """A payment received in March and applied in May, a credit note of April applied in June: each is
    unapplied cash at the month ends between (the trend reads such cash from its partial index,
    migration 0020), and every point still equals arSummary for its date, for the whole portfolio and
    for a region that holds only one of the two customers."""
    late = await builders.customer(scope_a, "Late applier", region="EMEA")
    other = await builders.customer(scope_a, "On arrival", region="AMER")
    inv = await builders.invoice(scope_a, late, 100000, "2026-02-01", "2026-03-03")
    await builders.payment(scope_a, late, 60000, "2026-03-20", allocate=[(inv, 60000, "2026-05-10")])
    await builders.credit_note(scope_a, late, 15000, "2026-04-05", apply=[(inv, 15000, "2026-06-02")])
    paid = await builders.invoice(scope_a, other, 40000, "2026-03-01", "2026-03-31")
    await builders.payment(scope_a, other, 40000, "2026-04-02", allocate=[(paid, 40000, "2026-04-02")])
    await builders.worked_example(scope_b)  # another tenant's cash: never in these figures
    token = await make_token("northwind")

    for region in (None, "EMEA"):
        flt = f', filter: {{region: "{region}"}}' if region else ""
        query = TREND.replace('asOf: "2026-06-30")', f'asOf: "2026-06-30"{flt})')
        points = (await gql(client, query, token)).json()["data"]["arTrend"]
        got = {p["date"]: p["ar"]["amount"] for p in points}
        for day in got:
            summary = (
                await gql(client, f'{{ arSummary(asOf: "{day}"{flt}) {{ netBalance {{ amount }} }} }}', token)
            ).json()["data"]["arSummary"]
            assert got[day] == summary["netBalance"]["amount"], (region, day)
        # March: 1,000 open - 600 unapplied (+ the other's 400 open, outside EMEA); April: the credit too;
        # May: the payment applied (1,000 - 600 open, the credit unapplied); June: all applied.
        expected = {
            "2026-03-31": "400.00",
            "2026-04-30": "250.00",
            "2026-05-31": "250.00",
            "2026-06-30": "250.00",
        }
        if region is None:
            expected["2026-03-31"] = "800.00"
        assert got == expected, region


def test_only_a_scope_without_access_rule_or_filter_leaves_the_accounts_out_of_the_trends_joins(scope_a):
    """The trend's movements skip the account join only when every account counts (month_ends.py)."""
    from dataclasses import replace

    from app.customers.filters import NO_FILTER, CustomerFilter
    from app.customers.repository import is_whole_tenant

    assert is_whole_tenant(scope_a, NO_FILTER)
    assert not is_whole_tenant(scope_a, CustomerFilter(region="EMEA"))
    assert not is_whole_tenant(scope_a, CustomerFilter(customer_ids=frozenset({1})))
    assert not is_whole_tenant(replace(scope_a, sales_owner="ann@northwind.example"), NO_FILTER)
    assert not is_whole_tenant(replace(scope_a, customer_ids=frozenset({1})), NO_FILTER)


async def test_each_month_collects_the_succeeded_payments_received_in_it_for_the_accounts_asked(
    client, scope_a, scope_b
):
    """The months' collections come from one statement grouped by month (skipping the account join for
    the whole portfolio): each month counts only succeeded payments received in it, converted at its
    month end; a region counts its own accounts; another tenant's payments never count."""
    from app.models.enums import PaymentStatus

    emea = await builders.customer(scope_a, "Emea payer", region="EMEA")
    amer = await builders.customer(scope_a, "Amer payer", region="AMER")
    await builders.fx_rate(scope_a, "EUR", "2026-01-01", "1.10")
    await builders.fx_rate(scope_a, "EUR", "2026-05-01", "1.20")
    await builders.payment(scope_a, emea, 10000, "2026-03-31")  # the last day of March
    await builders.payment(scope_a, emea, 20000, "2026-04-01")  # the 1st of April
    await builders.payment(scope_a, emea, 10000, "2026-05-15", currency="EUR")  # 12,000 at May's rate
    await builders.payment(scope_a, amer, 5000, "2026-05-20")
    await builders.payment(scope_a, amer, 7000, "2026-06-30", status=PaymentStatus.FAILED)
    await builders.payment(scope_a, amer, 3000, "2026-07-01")  # after the as-of date
    other = await builders.customer(scope_b, "Other tenant", region="EMEA")
    await builders.payment(scope_b, other, 99900, "2026-04-10")

    token = await make_token("northwind")

    async def collected(flt: str = "") -> list[tuple[str, str]]:
        query = TREND.replace('asOf: "2026-06-30"', f'asOf: "2026-06-30"{flt}')
        body = (await gql(client, query, token)).json()
        assert "errors" not in body, body
        return [(p["date"], p["collections"]["amount"]) for p in body["data"]["arTrend"]]

    assert await collected() == [
        ("2026-03-31", "100.00"),
        ("2026-04-30", "200.00"),
        ("2026-05-31", "170.00"),
        ("2026-06-30", "0.00"),
    ]
    assert await collected(', filter: { region: "EMEA" }') == [
        ("2026-03-31", "100.00"),
        ("2026-04-30", "200.00"),
        ("2026-05-31", "120.00"),
        ("2026-06-30", "0.00"),
    ]


def test_the_interval_of_a_date_is_the_first_point_on_or_after_it():
    """The trend's nested CASE (a binary search) gives what bisect gives, for every count of dates."""
    import bisect
    import sqlite3

    from app.receivables.repository.month_ends import _interval

    db = sqlite3.connect(":memory:")
    for n in range(1, 15):
        points = [10 * (t + 1) for t in range(n)]
        sql = "SELECT " + _interval(":x", n)
        for x in range(0, 10 * n + 12):
            got = db.execute(sql, {"x": x, **{f"point{t}": p for t, p in enumerate(points)}}).fetchone()[0]
            assert got == bisect.bisect_left(points, x), (n, x)


async def test_invoices_settled_on_one_day_and_on_several_count_at_the_right_month_ends(
    client, scope_a, scope_b
):
    """A portfolio's invoices settled on one day are placed from their index (first settlement date =
    last, migration 0022), the others by their movements: both, and a settlement dated after the as-of
    date or before the first month end, give each point what arSummary gives for its date, for the
    whole portfolio and each region."""
    emea = await builders.customer(scope_a, "Emea", region="EMEA")
    amer = await builders.customer(scope_a, "Amer", region="AMER")
    one_day = await builders.invoice(scope_a, emea, 100000, "2026-01-10", "2026-02-09")
    await builders.payment(scope_a, emea, 100000, "2026-04-10", allocate=[(one_day, 100000, "2026-04-10")])
    several = await builders.invoice(scope_a, emea, 90000, "2026-01-20", "2026-02-19")
    await builders.payment(scope_a, emea, 30000, "2026-02-15", allocate=[(several, 30000, "2026-02-15")])
    await builders.payment(scope_a, emea, 30000, "2026-03-20", allocate=[(several, 30000, "2026-03-20")])
    await builders.credit_note(scope_a, emea, 20000, "2026-05-05", apply=[(several, 20000, "2026-05-05")])
    await builders.write_off(scope_a, several, 10000, "2026-06-20")
    two_on_a_day = await builders.invoice(scope_a, amer, 50000, "2026-03-05", "2026-04-04")
    await builders.payment(
        scope_a,
        amer,
        50000,
        "2026-05-12",
        allocate=[(two_on_a_day, 20000, "2026-05-12"), (two_on_a_day, 30000, "2026-05-12")],
    )
    paid_later = await builders.invoice(scope_a, amer, 40000, "2026-02-01", "2026-03-03")
    await builders.payment(scope_a, amer, 40000, "2026-07-03", allocate=[(paid_later, 40000, "2026-07-03")])
    paid_before = await builders.invoice(scope_a, emea, 25000, "2026-02-10", "2026-03-12")
    await builders.payment(scope_a, emea, 25000, "2026-02-20", allocate=[(paid_before, 25000, "2026-02-20")])
    await builders.worked_example(scope_b)
    token = await make_token("northwind")

    expected = {
        None: ["2200.00", "1200.00", "500.00", "400.00"],
        "EMEA": ["1300.00", "300.00", "100.00", "0.00"],
        "AMER": ["900.00", "900.00", "400.00", "400.00"],
    }
    for region, amounts in expected.items():
        flt = f', filter: {{region: "{region}"}}' if region else ""
        query = TREND.replace('asOf: "2026-06-30")', f'asOf: "2026-06-30"{flt})')
        points = (await gql(client, query, token)).json()["data"]["arTrend"]
        assert [p["ar"]["amount"] for p in points] == amounts, region
        for p in points:
            summary = (
                await gql(
                    client,
                    f'{{ arSummary(asOf: "{p["date"]}"{flt}) {{ netBalance {{ amount }} overdue {{ amount }} }} }}',
                    token,
                )
            ).json()["data"]["arSummary"]
            assert (p["ar"], p["overdue"]) == (summary["netBalance"], summary["overdue"]), (region, p["date"])
