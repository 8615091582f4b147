"""One PDF from the separately rendered sections of a long statement, numbered "Page i of N" throughout.

A section cannot number its own pages: it does not know how many pages the sections before it took, nor
the total. So sections are rendered without page numbers, and once their pages are counted a stamp
document of N blank pages carrying only the page-number footer (same ``@page`` box, same font, so it lands
exactly where a single-pass render puts it) is laid over them page by page.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter


def join_numbered(sections: list[bytes], page_numbers: Callable[[int], bytes]) -> bytes:
    """The pages of ``sections`` in order, page i carrying page i of ``page_numbers(total pages)``."""
    readers = [PdfReader(io.BytesIO(content)) for content in sections]
    writer = PdfWriter()
    for reader in readers:
        writer.append(reader)
    stamps = PdfReader(io.BytesIO(page_numbers(len(writer.pages)))).pages
    for page, stamp in zip(writer.pages, stamps, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging rewrites the page's content uncompressed
    if readers[0].metadata:
        writer.add_metadata(readers[0].metadata)  # the title and dates of the first section
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def join(documents: list[bytes]) -> bytes:
    """Whole documents one after another, each keeping its own page numbers (a batch of letters to print)."""
    writer = PdfWriter()
    for content in documents:
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
