"""View models of the documents: plain, frozen data with every figure already formatted.

Templates print these and compute nothing, so what the ETag hashes (this data) is exactly what the PDF
shows. Builders take repository rows and a ``Formatter``; they never query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate

import segno

from app.documents.formatting import Formatter
from app.documents.repository import ActivityRow, CustomerRow, InvoiceRow, LineRow, Settlement
from app.invoices.items import OpenItem
from app.tenancy.branding import Brand

KIND_LABELS = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "payment": "Payment",
    "write_off": "Write-off",
}


@dataclass(frozen=True)
class Party:
    name: str
    account_number: str
    address: tuple[str, ...]
    tax_id: str
    email: str


@dataclass(frozen=True)
class Line:
    position: int
    description: str
    quantity: str
    unit_price: str
    amount: str
    tax: str


@dataclass(frozen=True)
class InvoiceView:
    brand: Brand
    customer: Party
    number: str
    status: str
    issue_date: str
    due_date: str
    po_number: str
    currency: str
    lines: tuple[Line, ...]
    subtotal: str
    tax: str
    total: str
    credited: str
    paid: str
    written_off: str
    balance_due: str
    settled: bool
    portal_url: str
    qr_code: str


@dataclass(frozen=True)
class StatementRow:
    date: str
    kind: str
    reference: str
    due_date: str
    days_past_due: str
    charge: str
    credit: str
    balance: str


@dataclass(frozen=True)
class AgingCell:
    label: str
    amount: str


@dataclass(frozen=True)
class StatementView:
    brand: Brand
    customer: Party
    kind: str  # activity | open_item
    title: str
    period: str
    as_of: str
    currency: str
    opening_balance: str
    rows: tuple[StatementRow, ...]
    closing_balance: str
    total_open: str
    unapplied: str
    net_balance: str
    aging: tuple[AgingCell, ...]
    portal_url: str


def party_of(customer: CustomerRow) -> Party:
    address = tuple(line.strip() for line in customer.billing_address.splitlines() if line.strip())
    return Party(
        customer.legal_name, customer.account_number, address, customer.tax_id, customer.billing_email
    )


@lru_cache(maxsize=4096)
def qr_code(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (vector, so it stays sharp at any print size).

    Cached: encoding takes ~10 ms, a large share of preparing an invoice, and URLs repeat."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def invoice_view(
    brand: Brand,
    fmt: Formatter,
    row: InvoiceRow,
    customer: CustomerRow,
    lines: Iterable[LineRow],
    settled: Settlement,
    portal_url: str,
) -> InvoiceView:
    cur = row.currency
    balance = row.total - settled.paid - settled.credited - settled.written_off
    return InvoiceView(
        brand=brand,
        customer=party_of(customer),
        number=row.number,
        status=row.status,
        issue_date=fmt.date(row.issue_date),
        due_date=fmt.date(row.due_date),
        po_number=row.po_number,
        currency=cur,
        lines=tuple(
            Line(
                position=li.position,
                description=li.description,
                quantity=fmt.quantity(li.quantity),
                unit_price=fmt.money(li.unit_price, cur),
                amount=fmt.money(li.amount, cur),
                tax=fmt.money(li.tax, cur),
            )
            for li in lines
        ),
        subtotal=fmt.money(row.subtotal, cur),
        tax=fmt.money(row.tax, cur),
        total=fmt.money(row.total, cur),
        credited=fmt.money(settled.credited, cur),
        paid=fmt.money(settled.paid, cur),
        written_off=fmt.money(settled.written_off, cur) if settled.written_off else "",
        balance_due=fmt.money(balance, cur),
        settled=balance <= 0,
        portal_url=portal_url,
        qr_code=qr_code(portal_url),
    )


def aging_labels(edges: list[int]) -> list[str]:
    """``[30, 60]`` -> Current, 1-30, 31-60, 61+ (metrics.md: Current is <= 0 days past due)."""
    lows = [1, *(edge + 1 for edge in edges)]
    return ["Current", *(f"{low}-{edge}" for low, edge in zip(lows, edges, strict=False)), f"{lows[-1]}+"]


def aging_cells(fmt: Formatter, currency: str, edges: list[int], buckets: dict[int, int], unapplied: int):
    cells = [
        AgingCell(label, fmt.money(buckets.get(index, 0), currency))
        for index, label in enumerate(aging_labels(edges))
    ]
    return (*cells, AgingCell("Unapplied", fmt.money(-unapplied, currency)))


@dataclass(frozen=True)
class StatementFigures:
    """What every statement prints at the bottom, in minor units of ``currency``, as of its closing date.

    A statement covers one currency (figures are summed per currency first, metrics.md "Money"); a
    customer with documents in two currencies gets two statements."""

    as_of: date
    currency: str
    total_open: int
    unapplied: int
    aging: dict[int, int]

    @property
    def net_balance(self) -> int:
        return self.total_open - self.unapplied


def _statement_view(
    brand, fmt, customer, kind, title, period, figures, edges, rows, opening, closing, portal_url
) -> StatementView:
    cur = figures.currency
    return StatementView(
        brand=brand,
        customer=party_of(customer),
        kind=kind,
        title=title,
        period=period,
        as_of=fmt.date(figures.as_of),
        currency=cur,
        opening_balance=fmt.money(opening, cur) if opening is not None else "",
        rows=tuple(rows),
        closing_balance=fmt.money(closing, cur),
        total_open=fmt.money(figures.total_open, cur),
        unapplied=fmt.money(-figures.unapplied, cur),
        net_balance=fmt.money(figures.net_balance, cur),
        aging=aging_cells(fmt, cur, edges, figures.aging, figures.unapplied),
        portal_url=portal_url,
    )


def activity_statement_view(
    brand: Brand,
    fmt: Formatter,
    customer: CustomerRow,
    period_from: date,
    opening: int,
    activity: list[ActivityRow],
    figures: StatementFigures,
    edges: list[int],
    portal_url: str,
) -> StatementView:
    """Opening balance, every event of the period with a running balance, closing balance."""
    cur = figures.currency
    balances = list(accumulate((r.amount for r in activity), initial=opening))
    rows = [
        StatementRow(
            date=fmt.date(r.date),
            kind=KIND_LABELS[r.kind],
            reference=r.reference,
            due_date=fmt.date(r.due_date),
            days_past_due="",
            charge=fmt.money(r.amount, cur) if r.amount > 0 else "",
            credit=fmt.money(-r.amount, cur) if r.amount < 0 else "",
            balance=fmt.money(balance, cur),
        )
        for r, balance in zip(activity, balances[1:], strict=True)
    ]
    period = f"{fmt.date(period_from)} \u2013 {fmt.date(figures.as_of)}"
    return _statement_view(
        brand, fmt, customer, "activity", "Statement of account", period, figures, edges, rows, opening,
        balances[-1], portal_url,
    )  # fmt: skip


def open_item_statement_view(
    brand: Brand,
    fmt: Formatter,
    customer: CustomerRow,
    items: list[OpenItem],
    figures: StatementFigures,
    edges: list[int],
    portal_url: str,
) -> StatementView:
    """Every invoice still open on the date, with its days past due, then unapplied cash and the net."""
    cur = figures.currency
    balances = list(accumulate(i.open_amount for i in items))
    rows = [
        StatementRow(
            date=fmt.date(i.issue_date),
            kind="Invoice",
            reference=i.number,
            due_date=fmt.date(i.due_date),
            days_past_due=str((figures.as_of - i.due_date).days),
            charge=fmt.money(i.total, cur),
            credit=fmt.money(i.open_amount, cur),
            balance=fmt.money(balance, cur),
        )
        for i, balance in zip(items, balances, strict=True)
    ]
    period = f"as of {fmt.date(figures.as_of)}"
    return _statement_view(
        brand, fmt, customer, "open_item", "Open item statement", period, figures, edges, rows, None,
        figures.net_balance, portal_url,
    )  # fmt: skip
