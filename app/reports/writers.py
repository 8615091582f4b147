"""The two file formats of every export table: CSV lines streamed as they are read, and an XLSX file
built in constant memory and streamed once it is zipped (a zip's directory comes last, so no byte of
an XLSX file can be sent before its last row is written)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

from app.reports import xlsx
from app.reports.cells import Column, csv_text


def csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


async def csv_lines(
    columns: list[Column], first: list[list[Any]], rest: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[str]:
    """The header, then one piece of text per chunk of rows (one send per chunk, not per line)."""
    yield csv_line([c.name for c in columns])
    chunk: list[list[Any]] | None = first
    while chunk is not None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([csv_text(c, v) for c, v in zip(columns, row, strict=True)] for row in chunk)
        yield buffer.getvalue()
        chunk = await anext(rest, None)


async def xlsx_bytes(
    sheet_name: str, columns: list[Column], first: list[list[Any]], rest: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    """One sheet of the rows; the workbook is written to a temporary file, then sent in chunks."""
    path = xlsx.temporary_path(f"ledgerport-{sheet_name}-")
    workbook, styles = xlsx.new_workbook(path)
    try:
        sheet = xlsx.Sheet(workbook, styles, sheet_name, columns)
        chunk: list[list[Any]] | None = first
        while chunk is not None:
            for row in chunk:
                sheet.write(row)
            chunk = await anext(rest, None)
        sheet.finish()
        await xlsx.close(workbook)
    except BaseException:
        workbook.fileclosed = True  # nothing more to write; the temp file goes below
        xlsx.remove(path)
        raise
    async for piece in xlsx.file_chunks(path):
        yield piece
