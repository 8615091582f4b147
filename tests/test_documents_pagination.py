"""A 500-line statement breaks pages cleanly: header on every page, no row split, "Page i of N".

Layout does not depend on the database, so the view model is built from rows made here and rendered once
for the whole module (a long statement takes seconds to lay out). This is the single-pass render; long
statements downloaded through the service are cut into sections (test_documents_sections.py).
"""

from __future__ import annotations

import re

import pytest

from app.documents import render, views
from tests.documents_data import (
    LONG_ROW_REFERENCE,
    STATEMENT_HEADER,
    long_statement_view,
    pdf_pages,
    row_text,
)

ROWS = 500


@pytest.fixture(scope="module")
def long_statement() -> tuple[views.StatementView, list[str]]:
    view = long_statement_view(ROWS)
    return view, pdf_pages(render.render_pdf("statement.html", view))


def test_given_500_lines_when_rendered_then_it_spans_pages_numbered_i_of_n(long_statement):
    _, pages = long_statement

    assert 8 <= len(pages) <= 30
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_given_500_lines_when_rendered_then_every_page_repeats_the_table_header(long_statement):
    _, pages = long_statement

    with_rows = [text for text in pages if re.search(LONG_ROW_REFERENCE, text)]
    assert len(with_rows) >= len(pages) - 1  # only the totals and aging may spill onto a page of their own
    assert all(text.count(STATEMENT_HEADER) == 1 for text in with_rows)


def test_given_500_lines_when_rendered_then_each_row_is_whole_on_exactly_one_page(long_statement):
    view, pages = long_statement

    for row in view.rows:
        holders = [n for n, text in enumerate(pages) if row_text(row) in text]
        assert len(holders) == 1, (row.reference, holders)
    references = [m for text in pages for m in re.findall(LONG_ROW_REFERENCE, text)]
    assert len(references) == ROWS
    assert "Closing balance" in " ".join(pages[-2:])
