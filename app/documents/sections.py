"""How a long statement is cut into sections that can be laid out at the same time.

WeasyPrint lays out a statement at a few milliseconds per line, on one core. Cut into sections of at most
``SECTION_ROWS`` lines, a long statement is laid out on every core of the process pool and the sections'
pages are joined afterwards (``app/documents/pages.py``), with "Page i of N" stamped over the whole.

Each section starts on a new page with the table header; only the first has the letterhead and the opening
balance, only the last the closing balance and the totals, and the sections in between bring the running
balance forward and carry it on. Where the cuts fall depends on the rows alone, never on the number of
cores, so the same data always gives the same PDF (the ETag promises that).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.documents.views import StatementView

#: Most lines in one section; even (see ``split``). Part of every ETag (render.fingerprint): a change
#: moves the page breaks. 500 makes a 1,000-line statement two sections, one per core of a two-core
#: machine: measured there, four sections of 250 were ~8 % slower (each section costs ~40 ms of its own
#: and finer cuts balance nothing when the pool has two processes). More cores would want smaller cuts.
SECTION_ROWS = 500


@dataclass(frozen=True)
class Part:
    """Which slice of a document one render is: the whole document, or one section of a long statement."""

    first: bool = True
    last: bool = True
    brought_forward: str = ""  # the running balance at the end of the section before (not in the first)
    carried_forward: str = ""  # the running balance at the end of this section (not in the last)
    page_numbers: bool = True  # False when "Page i of N" is stamped over the joined sections instead


#: A document rendered in one piece.
WHOLE = Part()


def split(view) -> list[tuple[StatementView, Part]]:
    """The sections of a statement longer than ``SECTION_ROWS`` lines, of nearly equal length; a shorter
    statement or any other document is one piece, ``[(view, WHOLE)]``."""
    rows = getattr(view, "rows", ())
    count = -(-len(rows) // SECTION_ROWS)
    if not isinstance(view, StatementView) or count < 2:
        return [(view, WHOLE)]
    size = -(-len(rows) // count)
    size += size % 2  # even, so the shading of every other row runs on across sections
    chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
    last = len(chunks) - 1
    return [
        (
            replace(view, rows=chunk),
            Part(
                first=index == 0,
                last=index == last,
                brought_forward=chunks[index - 1][-1].balance if index > 0 else "",
                carried_forward=chunk[-1].balance if index < last else "",
                page_numbers=False,
            ),
        )
        for index, chunk in enumerate(chunks)
    ]
