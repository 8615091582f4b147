"""XLSX files written in constant memory, and streamed to the client from a temporary file.

XlsxWriter's ``constant_memory`` mode flushes every row to a temporary file as soon as the next row
starts, so a sheet of a million rows costs what one row costs; ``close`` then zips the parts. The rows
must arrive in order (they do: the exports read keyset pages). Writing is synchronous but cheap per
row; the zip at the end runs in a worker thread so the event loop keeps serving meanwhile.

Each sheet gets what finance expects of a download: a bold frozen header row, an autofilter over the
data, column widths, money as numbers with the currency's format, dates as dates.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from app.reports.cells import Amount, Column, Kind, as_number, money_format

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
CHUNK = 64 * 1024


class Styles:
    """The workbook's cell formats, made once each (XlsxWriter keeps every format object it is given)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "bottom": 1})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.decimal = workbook.add_format({"num_format": "#,##0.00"})
        self.percent = workbook.add_format({"num_format": "0.00%"})
        self.integer = workbook.add_format({"num_format": "#,##0"})
        self._money: dict[str, Any] = {}

    def money(self, currency: str):
        found = self._money.get(currency)
        if found is None:
            found = self._money[currency] = self.workbook.add_format({"num_format": money_format(currency)})
        return found


def new_workbook(path: str) -> tuple[Workbook, Styles]:
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "tmpdir": os.path.dirname(path), "default_date_format": DATE_FORMAT}
    )
    return workbook, Styles(workbook)


class Sheet:
    """One table: a header, rows written in order, and at ``finish`` the autofilter over what was written."""

    def __init__(
        self, workbook: Workbook, styles: Styles, name: str, columns: Sequence[Column], top: int = 0
    ):
        self.sheet: Worksheet = workbook.add_worksheet(name)
        self.styles = styles
        self.columns = list(columns)
        self.top = top  # rows above the header (a title)
        self.row_index = top + 1
        for n, column in enumerate(self.columns):
            self.sheet.set_column(n, n, column.width)
            self.sheet.write_string(top, n, column.name, styles.header)
        self.sheet.freeze_panes(top + 1, 0)

    def write(self, values: Iterable[Any]) -> None:
        r, sheet = self.row_index, self.sheet
        for n, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if column.kind is Kind.TEXT and value.__class__ is str:
                sheet.write_string(r, n, value)  # most cells of a long export: skip the dispatch
            else:
                write_cell(sheet, self.styles, r, n, column.kind, value)
        self.row_index += 1

    def finish(self) -> None:
        last = max(self.row_index - 1, self.top)
        self.sheet.autofilter(self.top, 0, last, len(self.columns) - 1)


def write_cell(sheet: Worksheet, styles: Styles, r: int, c: int, kind: Kind, value: Any) -> None:
    """One typed cell: numbers stay numbers (never text), dates become Excel dates."""
    if value is None:
        sheet.write_blank(r, c, None)
    elif kind is Kind.MONEY and isinstance(value, Amount):
        sheet.write_number(r, c, value.major, styles.money(value.currency))
    elif kind is Kind.DATE and isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(r, c, moment, styles.date)
    elif kind is Kind.INTEGER:
        sheet.write_number(r, c, as_number(value), styles.integer)
    elif kind is Kind.DECIMAL:
        sheet.write_number(r, c, as_number(value), styles.decimal)
    elif kind is Kind.PERCENT:
        sheet.write_number(r, c, as_number(value), styles.percent)
    else:
        sheet.write_string(r, c, str(value))


def temporary_path(prefix: str) -> str:
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=".xlsx")
    os.close(handle)
    return path


async def close(workbook: Workbook) -> None:
    """Zip the workbook's parts (the slow, memory-flat part) in a worker thread."""
    await asyncio.to_thread(workbook.close)


async def file_chunks(path: str) -> AsyncIterator[bytes]:
    """The finished file, a chunk at a time, removed once sent (or when the client went away)."""
    try:
        with open(path, "rb") as handle:  # noqa: ASYNC230 - local temp file, 64 KiB reads
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
