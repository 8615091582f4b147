"""The management pack (XLSX and PDF) shows the API's own figures for the same as-of date: the KPI tiles
against the previous month end, aging by region and segment, top overdue customers, the 12-month trend
with native charts, disputes, over-limit exposure and KYC reviews due; only the caller's tenant."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

AS_OF = "2026-06-30"
FIGURES = """query ($asOf: Date!, $before: Date!) {
  now: arSummary(asOf: $asOf) { totalOpen { amount } overdue { amount } netBalance { amount } dso cei
    openDisputes { amount { amount } } customersOverLimit }
  before: arSummary(asOf: $before) { totalOpen { amount } overdue { amount } dso }
  regions: arBreakdown(by: REGION, asOf: $asOf) { key netBalance { amount } aging { buckets { amount { amount } } } }
  segments: arBreakdown(by: SEGMENT, asOf: $asOf) { key netBalance { amount } }
  arTrend(months: 12, asOf: $asOf) { date overdue { amount } dso cei }
  customers(first: 25, asOf: $asOf, orderBy: OVERDUE, filter: {hasOverdue: true}) {
    edges { node { name salesOwner balances { overdue { amount } } } } }
}"""


async def portfolio(scope_a, scope_b):
    await builders.worked_example(scope_a, sales_owner="olivia@northwind.example")
    south = await builders.customer(
        scope_a,
        "South Traders",
        region="South",
        segment="SMB",
        credit_limit=50000,
        kyc_next_review=builders.d("2026-07-05"),
        sales_owner="sam@northwind.example",
    )
    late = await builders.invoice(scope_a, south, 130000, "2026-02-01", "2026-03-01")
    await builders.dispute(scope_a, late, 30000, "2026-06-10")
    other = await builders.customer(scope_b, "Hidden Cloud AG", currency="EUR", credit_limit=1)
    await builders.invoice(scope_b, other, 999900, "2026-01-01", "2026-02-01", currency="EUR")
    await builders.dispute(scope_b, await builders.invoice(scope_b, other, 5000, "2026-06-01", "2026-06-02",
                                                           currency="EUR"), 5000, "2026-06-05")  # fmt: skip


def amount(money: dict) -> float:
    return float(money["amount"])


def records(sheet, top: int = 1) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=top, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def test_pack_xlsx_holds_the_api_figures_with_formats_and_charts(client, scope_a, scope_b):
    await portfolio(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)

    response = await client.get(
        f"/exports/management-pack.xlsx?asOf={AS_OF}", headers={"Authorization": f"Bearer {token}"}
    )
    api = (await gql(client, FIGURES, token, {"asOf": AS_OF, "before": "2026-05-31"})).json()["data"]

    assert response.status_code == 200, response.text
    assert "management-pack-northwind-2026-06-30.xlsx" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary", "Aging by region", "Aging by segment", "Top overdue", "Trend", "Disputes", "Over limit",
        "KYC due",
    ]  # fmt: skip
    summary = book["Summary"]
    tiles = {r["KPI"]: r for r in records(summary, top=4)}
    now, before = api["now"], api["before"]
    values = lambda label: list(tiles[label].values())[1:]  # noqa: E731 - as of, previous, change
    assert values("Total open") == [amount(now["totalOpen"]), amount(before["totalOpen"]),
                                    amount(now["totalOpen"]) - amount(before["totalOpen"])]  # fmt: skip
    assert values("Overdue")[:2] == [amount(now["overdue"]), amount(before["overdue"])]
    assert values("DSO")[:2] == [now["dso"], before["dso"]]
    assert values("CEI")[0] == now["cei"]
    assert values("Open disputes")[0] == amount(now["openDisputes"]["amount"]) == 300.0
    assert values("Customers over limit")[0] == now["customersOverLimit"] == 1
    assert summary["B5"].number_format == '#,##0.00 "USD";-#,##0.00 "USD"'
    assert summary["B2"].is_date and summary.freeze_panes == "A5"

    regions = {r["region"]: r for r in records(book["Aging by region"])}
    assert {k: r["net_balance"] for k, r in regions.items()} == {
        r["key"]: amount(r["netBalance"]) for r in api["regions"]
    }
    north = next(r for r in api["regions"] if r["key"] == "North")
    assert [regions["North"][label] for label in ("Current", "1-30", "31-60", "61-90", "91-120", "121+")] == [
        amount(b["amount"]) for b in north["aging"]["buckets"]
    ]
    segments = {r["segment"]: r["net_balance"] for r in records(book["Aging by segment"])}
    assert segments == {r["key"]: amount(r["netBalance"]) for r in api["segments"]}

    trend_sheet = book["Trend"]
    trend = records(trend_sheet)
    assert [r["month_end"].date().isoformat() for r in trend] == [p["date"] for p in api["arTrend"]]
    assert [r["dso"] for r in trend] == [p["dso"] for p in api["arTrend"]]
    assert [r["cei"] for r in trend] == [p["cei"] for p in api["arTrend"]]
    assert [r["overdue"] for r in trend] == [amount(p["overdue"]) for p in api["arTrend"]]
    charts = trend_sheet._charts
    assert sorted(type(c).__name__ for c in charts) == ["BarChart", "LineChart", "LineChart"]

    top = records(book["Top overdue"])
    assert [(r["name"], r["owner"], r["overdue"]) for r in top] == [
        (e["node"]["name"], e["node"]["salesOwner"], amount(e["node"]["balances"]["overdue"]))
        for e in api["customers"]["edges"]
    ]
    assert top[0]["name"] == "South Traders" and top[0]["next_step"] == "credit_hold_review"
    assert [(r["reason"], r["age_days"], r["count"], r["amount"]) for r in records(book["Disputes"])] == [
        ("pricing", "0-30", 1, 300.0)
    ]
    over = records(book["Over limit"])
    assert [(r["name"], r["credit_limit"], r["exposure"]) for r in over] == [("South Traders", 500.0, 1300.0)]
    assert book["Over limit"]["F2"].number_format == "0.00%"
    kyc = records(book["KYC due"])
    assert [(r["name"], r["next_review"].date().isoformat(), r["days_left"]) for r in kyc] == [
        ("South Traders", "2026-07-05", 5)
    ]
    every_cell = {str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None}
    assert not {v for v in every_cell if "Hidden" in v or "9999" in v}


async def test_pack_pdf_prints_the_same_figures_and_svg_charts(client, scope_a, scope_b):
    await portfolio(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)

    response = await client.get(
        f"/exports/management-pack.pdf?asOf={AS_OF}", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Northwind" in text and "management pack" in text
    assert "$5,000.00" in text  # total open: 3,700.00 + 1,300.00, in the tenant's locale
    assert "DSO (days)" in text and "CEI (%)" in text  # the SVG charts' titles
    assert "South Traders" in text and "credit hold review" in text
    assert "Hidden Cloud" not in text


async def test_pack_needs_a_token_and_a_valid_date(client, scope_a, scope_b):
    token = await make_token("northwind")

    anonymous = await client.get("/exports/management-pack.xlsx")
    bad = await client.get(
        "/exports/management-pack.pdf?asOf=soon", headers={"Authorization": f"Bearer {token}"}
    )

    assert anonymous.status_code == 401
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["field"] == "asOf"
