"""The management pack as an XLSX workbook: a sheet per section and native Excel charts for the trend.

The pack is small (a few hundred rows at most), so it is built in memory; every number is a number
with its format (money in the base currency's format, days with 2 decimals, CEI with 3), every date a
date, every table with a frozen header, an autofilter and widths (``app.reports.xlsx.Sheet``).
"""

from __future__ import annotations

import io

import xlsxwriter

from app.reports.cells import Amount, Column, Kind
from app.reports.pack_data import PackData, Tile, rounded
from app.reports.xlsx import Sheet, Styles, write_cell

TILE_KIND = {"money": Kind.MONEY, "days": Kind.DECIMAL, "percent": Kind.DECIMAL, "count": Kind.INTEGER}
AGING_SHEETS = (("Aging by region", "region", "by_region"), ("Aging by segment", "segment", "by_segment"))


def _tile_value(tile: Tile, value, base: str):
    if value is None:
        return None
    return Amount(value, base) if tile.kind == "money" else value


def _summary(workbook, styles: Styles, data: PackData) -> None:
    columns = [
        Column("KPI", width=28),
        Column(f"As of {data.as_of.isoformat()}", width=20),
        Column(f"Previous ({data.previous.isoformat()})", width=22),
        Column("Change", width=18),
    ]
    sheet = Sheet(workbook, styles, "Summary", columns, top=3)
    title = workbook.add_format({"bold": True, "font_size": 14})
    sheet.sheet.write_string(0, 0, f"{data.tenant}: management pack", title)
    sheet.sheet.write_string(1, 0, "As of")
    write_cell(sheet.sheet, styles, 1, 1, Kind.DATE, data.as_of)
    sheet.sheet.write_string(2, 0, "Money in")
    sheet.sheet.write_string(2, 1, data.base)
    for tile in data.tiles:
        kind = TILE_KIND[tile.kind]
        r = sheet.row_index
        sheet.sheet.write_string(r, 0, tile.label)
        for c, value in enumerate((tile.value, tile.previous, tile.change), start=1):
            write_cell(sheet.sheet, styles, r, c, kind, _tile_value(tile, value, data.base))
        sheet.row_index += 1
    sheet.finish()


def _aging(workbook, styles: Styles, data: PackData, name: str, key: str, rows) -> None:
    money = [Column(label, Kind.MONEY, 14) for label in data.aging_labels]
    columns = [
        Column(key, width=20),
        *money,
        *(Column(n, Kind.MONEY, 15) for n in ("total_open", "overdue", "unapplied", "net_balance")),
        Column("dso", Kind.DECIMAL, 9),
        Column("customers_with_balance", Kind.INTEGER, 12),
    ]
    sheet = Sheet(workbook, styles, name, columns)
    base = data.base
    for f in rows:
        t = f.base
        sheet.write(
            [
                f.key or "(none)",
                *(Amount(b.amount, base) for b in t.aging),
                *(Amount(v, base) for v in (t.total_open, t.overdue, t.unapplied, t.net_balance)),
                rounded(f.dso, 2),
                f.customers_with_balance,
            ]
        )
    sheet.finish()


def _trend(workbook, styles: Styles, data: PackData) -> None:
    columns = [
        Column("month_end", Kind.DATE, 12),
        Column("ar", Kind.MONEY, 16),
        Column("overdue", Kind.MONEY, 16),
        Column("sales", Kind.MONEY, 16),
        Column("collections", Kind.MONEY, 16),
        Column("dso", Kind.DECIMAL, 9),
        Column("cei", Kind.DECIMAL, 9),
    ]
    sheet = Sheet(workbook, styles, "Trend", columns)
    base = data.base
    for p in data.trend:
        f = p.figures
        sheet.write(
            [
                f.as_of,
                Amount(f.base.net_balance, base),
                Amount(f.base.overdue, base),
                Amount(f.credit_sales, base),
                Amount(p.collections, base),
                rounded(f.dso, 2),
                rounded(f.cei, 3),
            ]
        )
    sheet.finish()
    last = len(data.trend)  # data rows 1..last
    categories = ["Trend", 1, 0, last, 0]
    charts = (("DSO (days)", 5, "line", "I2"), ("CEI (%)", 6, "line", "I18"), ("Overdue", 2, "column", "I34"))
    for title, col, kind, anchor in charts:
        chart = workbook.add_chart({"type": kind})
        chart.add_series({"name": title, "categories": categories, "values": ["Trend", 1, col, last, col]})
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
        chart.set_size({"width": 620, "height": 300})
        sheet.sheet.insert_chart(anchor, chart)


def _table(workbook, styles: Styles, name: str, columns: list[Column], rows) -> None:
    sheet = Sheet(workbook, styles, name, columns)
    for row in rows:
        sheet.write(row)
    sheet.finish()


def workbook_bytes(data: PackData) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    styles = Styles(workbook)
    base = data.base
    _summary(workbook, styles, data)
    for name, key, attribute in AGING_SHEETS:
        _aging(workbook, styles, data, name, key, getattr(data, attribute))
    _table(
        workbook,
        styles,
        "Top overdue",
        [
            Column("account_number", width=16),
            Column("name", width=32),
            Column("owner", width=26),
            Column("overdue", Kind.MONEY, 16),
            Column("net_balance", Kind.MONEY, 16),
            Column("oldest_days_past_due", Kind.INTEGER, 12),
            Column("next_step", width=20),
        ],
        (
            [r.account_number, r.name, r.owner, Amount(r.overdue, base), Amount(r.net_balance, base),
             r.oldest_days_past_due, r.next_step]
            for r in data.top_overdue
        ),
    )  # fmt: skip
    _trend(workbook, styles, data)
    _table(
        workbook,
        styles,
        "Disputes",
        [Column("reason", width=22), Column("age_days", width=10), Column("count", Kind.INTEGER, 8),
         Column("amount", Kind.MONEY, 16)],
        ([d.reason, d.band, d.count, Amount(d.amount, base)] for d in data.disputes),
    )  # fmt: skip
    _table(
        workbook,
        styles,
        "Over limit",
        [Column("account_number", width=16), Column("name", width=32), Column("risk_rating", width=11),
         Column("credit_limit", Kind.MONEY, 16), Column("exposure", Kind.MONEY, 16),
         Column("utilisation", Kind.PERCENT, 11)],
        ([r.account_number, r.name, r.risk_rating, Amount(r.credit_limit, base), Amount(r.exposure, base),
          r.utilisation] for r in data.over_limit),
    )  # fmt: skip
    _table(
        workbook,
        styles,
        "KYC due",
        [Column("account_number", width=16), Column("name", width=32), Column("kyc_status", width=13),
         Column("next_review", Kind.DATE, 12), Column("days_left", Kind.INTEGER, 10)],
        ([r.account_number, r.name, r.kyc_status, r.next_review, r.days_left] for r in data.kyc_due),
    )  # fmt: skip
    workbook.close()
    return out.getvalue()
