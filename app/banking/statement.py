"""What every bank file format is read into, and how a malformed file is refused.

Each parser turns its format into the same ``ParsedStatement`` of ``ParsedLine`` values, so matching and
posting never know where a line came from. A parser collects every problem it finds (with the line of a
text file or the element path of an XML file) and raises ``BankFileError`` with all of them: a file is
stored whole or not at all, and nobody fixes one problem to meet the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from app.errors import ValidationFailed
from app.inputs.dates import MAX_DATE, MIN_DATE, in_range
from app.inputs.money import MAX_AMOUNT
from app.money import exponent, is_known_currency

#: Longest reference, remittance and name we store; longer values are refused, not cut (a cut reference
#: could collide with another transaction's).
MAX_REFERENCE = 95  # the payment's external id is "bank:" + this, in 100 characters
MAX_NAME = 255
MAX_REMITTANCE = 2000


class BankFileError(ValidationFailed):
    """The file cannot be read as a bank statement; ``problems`` says where and why, one per problem."""

    code = "malformed_bank_file"


@dataclass(frozen=True)
class BankProblem:
    """One problem of a refused file: where (``line 14``, ``Stmt[1]/Ntry[3]/Amt``) and why."""

    where: str
    message: str
    code: str = "malformed_bank_file"

    @property
    def field_path(self) -> list[str]:
        return ["file", self.where]

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ParsedLine:
    reference: str
    booking_date: date
    amount: int  # minor units; positive = credit (money in)
    currency: str
    value_date: date | None = None
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""
    #: Where in the file it came from ("line 14", "Ntry[3]"), for messages.
    where: str = ""


@dataclass
class ParsedStatement:
    format: str
    statement_ref: str = ""
    account: str = ""
    lines: list[ParsedLine] = field(default_factory=list)


class Problems:
    """Collects ``where: why`` messages; ``raise_if_any`` refuses the file with all of them."""

    def __init__(self, format: str) -> None:
        self.format = format
        self.items: list[BankProblem] = []

    def add(self, where: str, why: str) -> None:
        self.items.append(BankProblem(where, why))

    def raise_if_any(self) -> None:
        if self.items:
            raise BankFileError(
                f"the {self.format} file was refused ({len(self.items)} problem(s)); nothing was imported",
                problems=self.items[:200],
            )


def normal_account(raw: str) -> str:
    """An IBAN or account number as stored: upper case, no spaces (``de89 3704 ...`` -> ``DE893704...``)."""
    return "".join(raw.split()).upper()[:34]


def minor_amount(raw: str, currency: str, where: str, problems: Problems) -> int | None:
    """A bank amount ("1234.50", MT940's "1234,50") in minor units, or None with a problem noted."""
    if not is_known_currency(currency):
        problems.add(where, f"unknown currency {currency!r}")
        return None
    text = raw.strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.add(where, f"amount {raw!r} is not a number")
        return None
    if not value.is_finite() or text.count(".") > 1 or "e" in text.lower():
        problems.add(where, f"amount {raw!r} is not a number")
        return None
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        problems.add(where, f"amount {raw!r} has more decimals than {currency} allows")
        return None
    minor = int(scaled)
    if abs(minor) > MAX_AMOUNT:
        problems.add(where, f"amount {raw!r} is beyond the largest amount accepted")
        return None
    return minor


def check_line_text(line: ParsedLine, problems: Problems) -> None:
    """Lengths the database holds, dates every figure can do arithmetic with (docs/validation.md), and a
    reference to be idempotent by."""
    for name, value in (("booking date", line.booking_date), ("value date", line.value_date)):
        if value is not None and not in_range(value):
            problems.add(line.where, f"{name} {value} is outside {MIN_DATE} to {MAX_DATE}")
    if not line.reference:
        problems.add(line.where, "no transaction reference: the line could not be imported exactly once")
    elif len(line.reference) > MAX_REFERENCE:
        problems.add(line.where, f"reference longer than {MAX_REFERENCE} characters")
    if len(line.payer_name) > MAX_NAME:
        problems.add(line.where, f"payer name longer than {MAX_NAME} characters")
    if len(line.remittance) > MAX_REMITTANCE:
        problems.add(line.where, f"remittance information longer than {MAX_REMITTANCE} characters")


def check_unique_references(lines: list[ParsedLine], problems: Problems) -> None:
    seen: dict[str, str] = {}
    for line in lines:
        if line.reference in seen:
            problems.add(line.where, f"reference {line.reference!r} already used by {seen[line.reference]}")
        seen.setdefault(line.reference, line.where)


def checked(parsed: ParsedStatement, problems: Problems) -> ParsedStatement:
    """Every parser's last step: the checks all formats share, then the file refused if anything failed."""
    for line in parsed.lines:
        check_line_text(line, problems)
    check_unique_references(parsed.lines, problems)
    problems.raise_if_any()
    return parsed
