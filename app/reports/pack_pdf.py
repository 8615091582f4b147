"""The management pack as a PDF: the same ``PackData`` as the workbook, formatted in the tenant's
locale, charts drawn as inline SVG (``app.reports.svg``), laid out by the documents' WeasyPrint setup."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from app.documents import render as renderer
from app.documents.formatting import Formatter
from app.money import exponent
from app.reports import svg
from app.reports.pack_data import PackData, Tile, rounded
from app.tenancy.config import TenantConfig

TEMPLATE = "management_pack.html"


@dataclass(frozen=True)
class PackView:
    title: str
    as_of: str
    previous: str
    base: str
    primary_color: str
    tiles: list[dict]
    aging_labels: list[str]
    breakdowns: list[dict]
    top_overdue: list[dict]
    trend: list[dict]
    charts: list[Markup]
    disputes: list[dict]
    over_limit: list[dict]
    kyc_due: list[dict]


def _number(value: Decimal | int | None, places: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.{places}f}"


def _tile(fmt: Formatter, base: str, tile: Tile) -> dict:
    def show(value) -> str:
        if value is None:
            return "-"
        if tile.kind == "money":
            return fmt.money(value, base)
        if tile.kind == "count":
            return str(value)
        return _number(value, 3 if tile.kind == "percent" else 2)

    change = tile.change
    sign = "+" if change is not None and change > 0 else ""
    return {"label": tile.label, "value": show(tile.value), "previous": show(tile.previous),
            "change": sign + show(change) if change is not None else "-"}  # fmt: skip


def _major(minor: int, base: str) -> float:
    return minor / 10 ** exponent(base)


def view_of(data: PackData, config: TenantConfig) -> PackView:
    fmt, base = Formatter(config.locale), data.base
    money = lambda minor: fmt.money(minor, base)  # noqa: E731
    labels = [p.figures.as_of.strftime("%b") for p in data.trend]
    charts = [
        svg.chart("DSO (days)", labels, [float(d) if (d := rounded(p.figures.dso, 2)) is not None else None
                                         for p in data.trend]),
        svg.chart("CEI (%)", labels, [float(c) if (c := rounded(p.figures.cei, 3)) is not None else None
                                      for p in data.trend], colour="#20a39e"),
        svg.chart(f"Overdue ({base})", labels, [_major(p.figures.base.overdue, base) for p in data.trend],
                  kind="bar", colour="#c0504d"),
    ]  # fmt: skip
    breakdowns = [
        {"title": title, "key": key, "rows": [
            {"key": f.key or "(none)", "aging": [money(b.amount) for b in f.base.aging],
             "total_open": money(f.base.total_open), "overdue": money(f.base.overdue),
             "net_balance": money(f.base.net_balance), "dso": _number(rounded(f.dso, 2), 2)}
            for f in rows]}
        for title, key, rows in (("Aging by region", "Region", data.by_region),
                                 ("Aging by segment", "Segment", data.by_segment))
    ]  # fmt: skip
    return PackView(
        title=f"{data.tenant}: management pack",
        as_of=fmt.date(data.as_of),
        previous=fmt.date(data.previous),
        base=base,
        primary_color=config.branding.primary_color,
        tiles=[_tile(fmt, base, t) for t in data.tiles],
        aging_labels=data.aging_labels,
        breakdowns=breakdowns,
        top_overdue=[
            {"account": r.account_number, "name": r.name, "owner": r.owner, "overdue": money(r.overdue),
             "days": r.oldest_days_past_due, "next_step": r.next_step.replace("_", " ")}
            for r in data.top_overdue
        ],
        trend=[
            {"date": fmt.date(p.figures.as_of), "ar": money(p.figures.base.net_balance),
             "overdue": money(p.figures.base.overdue), "dso": _number(rounded(p.figures.dso, 2), 2),
             "cei": _number(rounded(p.figures.cei, 3), 3)}
            for p in data.trend
        ],
        charts=[Markup(c) for c in charts],
        disputes=[{"reason": d.reason, "band": d.band, "count": d.count, "amount": money(d.amount)}
                  for d in data.disputes],
        over_limit=[
            {"account": r.account_number, "name": r.name, "risk": r.risk_rating, "limit": money(r.credit_limit),
             "exposure": money(r.exposure), "utilisation": f"{r.utilisation * 100:.1f} %"}
            for r in data.over_limit
        ],
        kyc_due=[{"account": r.account_number, "name": r.name, "status": r.kyc_status,
                  "next_review": fmt.date(r.next_review), "days_left": r.days_left} for r in data.kyc_due],
    )  # fmt: skip


async def render(data: PackData, config: TenantConfig) -> bytes:
    view = view_of(data, config)
    return await asyncio.to_thread(renderer.render_pdf, TEMPLATE, view)
