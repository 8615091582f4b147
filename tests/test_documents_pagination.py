"""A 500-line statement breaks pages cleanly: header on every page, no row split, "Page i of N".

Layout does not depend on the database, so the view model is built from rows made here and rendered once
for the whole module (a long statement takes seconds to lay out).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.documents import render, views
from app.documents.formatting import Formatter
from app.documents.repository import ActivityRow, CustomerRow
from app.tenancy.registry import TenantRegistry
from tests.documents_data import pdf_pages

ROOT = Path(__file__).resolve().parent.parent
ROWS = 500
HEADER = "Date Document Due date Charges Credits Balance"
ROW_REFERENCE = r"\b(?:INV|PAY|REM)-\d{4}\b"


def _reference(i: int) -> str:
    # Every tenth payment carries a long remittance text that wraps over several lines of its cell.
    if i % 10 == 7:
        return f"REM-{i:04d} remittance advice for several invoices paid together by the customer's bank"
    return f"{'INV' if i % 2 == 0 else 'PAY'}-{i:04d}"


@pytest.fixture(scope="module")
def long_statement() -> tuple[views.StatementView, list[str]]:
    tenant = TenantRegistry.load(ROOT / "tenants").require("northwind")
    start = date(2026, 1, 1)
    rows = [
        ActivityRow(
            start + timedelta(days=i // 3),
            "invoice" if i % 2 == 0 else "payment",
            _reference(i),
            start + timedelta(days=i // 3 + 30) if i % 2 == 0 else None,
            10000 + i if i % 2 == 0 else -(9000 + i),
        )
        for i in range(ROWS)
    ]
    customer = CustomerRow(1, "NW-LONG", "Long Statement Ltd", "1 Long Road", "", "", "USD")
    figures = views.StatementFigures(date(2026, 6, 30), "USD", 0, 0, {})
    view = views.activity_statement_view(
        views.brand_of(tenant), Formatter("en_US"), customer, start, 0, rows, figures, [30, 60, 90, 120], ""
    )
    return view, pdf_pages(render.render_pdf("statement.html", view))


def test_given_500_lines_when_rendered_then_it_spans_pages_numbered_i_of_n(long_statement):
    _, pages = long_statement

    assert 8 <= len(pages) <= 30
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_given_500_lines_when_rendered_then_every_page_repeats_the_table_header(long_statement):
    _, pages = long_statement

    with_rows = [text for text in pages if re.search(ROW_REFERENCE, text)]
    assert len(with_rows) >= len(pages) - 1  # only the totals and aging may spill onto a page of their own
    assert all(text.count(HEADER) == 1 for text in with_rows)


def test_given_500_lines_when_rendered_then_each_row_is_whole_on_exactly_one_page(long_statement):
    view, pages = long_statement

    for row in view.rows:
        cells = " ".join(c for c in (row.date, row.kind, row.reference, row.due_date, row.charge,
                                     row.credit, row.balance) if c)  # fmt: skip
        holders = [n for n, text in enumerate(pages) if cells in text]
        assert len(holders) == 1, (row.reference, holders)
    references = [m for text in pages for m in re.findall(ROW_REFERENCE, text)]
    assert len(references) == ROWS
    assert "Closing balance" in " ".join(pages[-2:])
