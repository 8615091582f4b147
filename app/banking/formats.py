"""Which parser reads a file: by the name given, else by what the file starts with."""

from __future__ import annotations

from app.banking.camt import parse_camt
from app.banking.csvfile import parse_csv
from app.banking.mt940 import parse_mt940
from app.banking.statement import BankFileError, BankProblem, ParsedStatement

FORMATS = ("camt", "mt940", "csv")
#: Largest file read (bytes): a month of a busy account's camt.053 is a few MB.
MAX_FILE_BYTES = 20 * 1024 * 1024


def detect(content: bytes) -> str:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "camt"
    if head.startswith((b":20:", b"{1:", b":940:")) or b"\n:20:" in head or b":61:" in head:
        return "mt940"
    return "csv"


def parse(content: bytes, format: str | None = None) -> ParsedStatement:
    """The statement in ``content``; ``BankFileError`` (every problem, with where) when it is malformed."""
    if len(content) > MAX_FILE_BYTES:
        raise BankFileError(
            "the file is too large", problems=[BankProblem("file", f"over {MAX_FILE_BYTES} bytes")]
        )
    if not content.strip():
        raise BankFileError("the file is empty", problems=[BankProblem("file", "empty")])
    fmt = format or detect(content)
    if fmt not in FORMATS:
        raise BankFileError(
            f"unknown format {fmt!r}", problems=[BankProblem("format", f"one of {', '.join(FORMATS)}")]
        )
    reader = {"camt": parse_camt, "mt940": parse_mt940, "csv": parse_csv}[fmt]
    return reader(content)
