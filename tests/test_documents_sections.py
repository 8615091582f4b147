"""Long statements are laid out as sections on every core and joined into one PDF.

The joined PDF must read like a single-pass render: the same rows in the same order, each whole on one
page, the table header on every page, the same totals, and "Page i of N" counted over the whole document.
Sections are made small here (``SECTION_ROWS`` patched in the parent, which is where the cutting happens)
so a few hundred lines give three sections: a first, a middle and a last.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest
from pypdf import PdfReader

from app.documents import pool, render, sections, service, views
from app.documents.cache import rendered
from app.documents.urls import statement_pdf_url
from tests import documents_data as data
from tests.documents_data import (
    LONG_ROW_REFERENCE,
    STATEMENT_HEADER,
    long_statement_view,
    pdf_pages,
    pdf_text,
    row_text,
)
from tests.helpers import make_token

ROWS = 300
SECTION_ROWS = 100


@pytest.fixture
def small_sections(monkeypatch):
    monkeypatch.setattr(sections, "SECTION_ROWS", SECTION_ROWS)


@pytest.fixture(scope="module")
async def long_statement() -> tuple[views.StatementView, bytes, list[str], list[str]]:
    """The view, the joined PDF and its pages' text, and the pages of the same view rendered whole."""
    view = long_statement_view(ROWS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sections, "SECTION_ROWS", SECTION_ROWS)
        content = await render.render_pdf_async("statement.html", view)
    return view, content, pdf_pages(content), pdf_pages(render.render_pdf("statement.html", view))


def test_given_more_lines_than_a_section_holds_then_the_statement_is_cut_evenly_and_carried_forward():
    view = long_statement_view(1001)

    parts = sections.split(view)

    assert [len(section.rows) for section, _ in parts] == [334, 334, 333]
    assert [section.rows for section, _ in parts] == [view.rows[i : i + 334] for i in range(0, 1001, 334)]
    assert [(p.first, p.last) for _, p in parts] == [(True, False), (False, False), (False, True)]
    for (before, part_before), (_, part_after) in pairwise(parts):
        assert part_before.carried_forward == part_after.brought_forward == before.rows[-1].balance
    assert not any(part.page_numbers for _, part in parts)


def test_given_a_short_statement_or_an_invoice_then_it_stays_one_piece():
    view = long_statement_view(sections.SECTION_ROWS)

    assert sections.split(view) == [(view, sections.WHOLE)]
    assert sections.split("an invoice view") == [("an invoice view", sections.WHOLE)]


def test_given_any_number_of_cores_then_the_cuts_are_the_same(monkeypatch):
    view = long_statement_view(600)
    cuts = [len(section.rows) for section, _ in sections.split(view)]

    monkeypatch.setattr(os, "cpu_count", lambda: 64)

    assert [len(section.rows) for section, _ in sections.split(view)] == cuts


def test_given_sections_when_joined_then_every_page_says_page_i_of_the_whole_count(long_statement):
    _, _, pages, whole = long_statement

    assert len(whole) <= len(pages) <= len(whole) + 2  # each later section starts a page of its own
    for number, text in enumerate(pages, start=1):
        assert re.findall(r"Page \d+ of \d+", text) == [f"Page {number} of {len(pages)}"]


def test_given_sections_when_joined_then_the_rows_are_those_of_a_single_pass_render_in_order(long_statement):
    view, _, pages, whole = long_statement

    references = [m for text in pages for m in re.findall(LONG_ROW_REFERENCE, text)]
    assert references == [m for text in whole for m in re.findall(LONG_ROW_REFERENCE, text)]
    assert len(references) == ROWS
    for row in view.rows:
        assert len([n for n, text in enumerate(pages) if row_text(row) in text]) == 1, row.reference


def test_given_sections_when_joined_then_every_page_with_rows_repeats_the_table_header(long_statement):
    _, _, pages, _ = long_statement

    with_rows = [text for text in pages if re.search(LONG_ROW_REFERENCE, text)]
    assert len(with_rows) >= len(pages) - 1
    assert all(text.count(STATEMENT_HEADER) == 1 for text in with_rows)


def test_given_sections_when_joined_then_balances_run_on_and_the_totals_close_the_document(long_statement):
    view, content, pages, whole = long_statement
    text = " ".join(pages)

    assert text.count("Statement of account") == 1 and "Statement of account" in pages[0]
    assert "Opening balance $0.00" in pages[0]
    for boundary in (SECTION_ROWS, 2 * SECTION_ROWS):
        balance = view.rows[boundary - 1].balance
        assert f"Carried forward {balance}" in text and f"Brought forward {balance}" in text
    assert text.count("Carried forward") == text.count("Brought forward") == 2
    totals = " ".join(whole[-2:])
    closing = f"Closing balance {view.closing_balance}"
    assert closing in " ".join(pages[-2:]) and closing in totals
    aging = re.search(r"Aging as of .*?\$0\.00(?: \$0\.00)*", totals).group(0)
    assert aging in " ".join(pages[-2:])
    assert PdfReader(io.BytesIO(content)).metadata.title == "Statement of account NW-LONG"


async def test_given_the_worked_example_when_split_into_sections_then_it_prints_the_same_figures(
    scope_a, monkeypatch
):
    monkeypatch.setattr(sections, "SECTION_ROWS", 2)  # its six lines become three sections
    a = await data.worked_example(scope_a)

    document = await service.statement_pdf(scope_a, a.id, "activity", date(2026, 3, 1), date(2026, 6, 30))
    pages = pdf_pages(document.content)
    text = pdf_text(document.content)

    for expected in [
        "Opening balance $0.00",
        "Mar 1, 2026 Invoice INV-1 Mar 31, 2026 $1,000.00 $1,000.00",
        "Apr 15, 2026 Payment WIRE-400 $400.00 $600.00",
        "Carried forward $600.00",
        "Brought forward $600.00",
        "Jun 20, 2026 Payment WIRE-150 $150.00 $3,550.00",
        "Closing balance $3,550.00",
        "Balance due as of Jun 30, 2026 $3,550.00",
        "Current 1-30 31-60 61-90 91-120 121+ Unapplied $2,500.00 $600.00 $0.00 $0.00 $600.00 $0.00 -$150.00",
    ]:
        assert expected in text, expected
    assert len(pages) == 3
    assert [re.findall(r"Page \d+ of \d+", page) for page in pages] == [[f"Page {n} of 3"] for n in (1, 2, 3)]


async def test_given_an_open_item_statement_when_split_into_sections_then_its_running_total_carries_on(
    scope_a, monkeypatch
):
    monkeypatch.setattr(sections, "SECTION_ROWS", 2)  # its three open invoices become two sections
    a = await data.worked_example(scope_a)

    document = await service.statement_pdf(scope_a, a.id, "open_item", as_of=date(2026, 6, 30))
    pages = pdf_pages(document.content)

    assert len(pages) == 2
    assert "Open item statement" in pages[0] and "Open item statement" not in pages[1]
    assert "May 1, 2026 INV-3 May 31, 2026 30 $800.00 $600.00 $1,200.00 Carried forward $1,200.00" in pages[0]
    assert (
        "Brought forward $1,200.00 Jun 1, 2026 INV-2 Jul 1, 2026 -1 $2,500.00 $2,500.00 $3,700.00" in pages[1]
    )
    assert "Balance due as of Jun 30, 2026 $3,550.00" in pages[1] and "Opening balance" not in pages[0]


async def test_given_many_long_statements_at_once_then_sections_run_in_parallel_within_the_document_bound(
    monkeypatch, small_sections
):
    in_flight: dict[str, int] = {}
    peak_documents = peak_sections = 0

    async def stand_in(fn, *args):
        nonlocal peak_documents, peak_sections
        if fn is not render.render_section:
            return b"%PDF-stand-in"
        account = args[1].customer.account_number
        in_flight[account] = in_flight.get(account, 0) + 1
        peak_documents = max(peak_documents, len([n for n in in_flight.values() if n]))
        peak_sections = max(peak_sections, sum(in_flight.values()))
        await asyncio.sleep(0.02)
        in_flight[account] -= 1
        return b"%PDF-section"

    monkeypatch.setattr(pool, "run", stand_in)
    view = long_statement_view(3 * SECTION_ROWS)
    statements = [replace(view, customer=replace(view.customer, account_number=f"C-{n}")) for n in range(5)]

    documents = await asyncio.gather(*(render.render_pdf_async("statement.html", v) for v in statements))

    assert documents == [b"%PDF-stand-in"] * 5
    assert peak_documents == render.MAX_CONCURRENT_RENDERS
    assert peak_sections == 3 * render.MAX_CONCURRENT_RENDERS


async def test_given_a_split_statement_when_its_data_changes_then_the_cached_pdf_is_never_served(
    client, scope_a, monkeypatch
):
    monkeypatch.setattr(sections, "SECTION_ROWS", 2)
    rendered.clear()
    a = await data.worked_example(scope_a)
    headers = {"Authorization": f"Bearer {await make_token('northwind')}"}
    url = statement_pdf_url(a.id, period_from=date(2026, 3, 1), as_of=date(2026, 6, 30))
    first = await client.get(url, headers=headers)
    again = await client.get(url, headers=headers)

    await data.payment(scope_a, a, date(2026, 6, 25), 5000, reference="WIRE-50")
    after = await client.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})

    assert again.content == first.content and rendered.hits == 1
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert "Jun 25, 2026 Payment WIRE-50 $50.00 $3,500.00" in pdf_text(after.content)
    assert "Closing balance $3,500.00" in pdf_text(after.content)
    rendered.clear()
