"""What an export row holds, typed, so one row definition feeds both the CSV and the XLSX writer.

CSV wants text exactly as the API prints it ("1234.50"); Excel wants the number 1234.5 with a currency
format and dates as dates. A row therefore carries values (``Amount`` for money, ``date``, ``int``,
``Decimal``, ``str``, ``None`` for an empty cell) and each ``Column`` says what kind it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.money import exponent, format_decimal_string


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # an ``Amount``: minor units and its currency
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"  # a score or a count of days, 2 decimals
    PERCENT = "percent"  # a ratio (0.25 = 25 %); CSV prints the ratio with 4 decimals, like the API


@dataclass(frozen=True)
class Amount:
    minor: int
    currency: str

    @property
    def major(self) -> float:
        """The amount for a spreadsheet cell. A float holds every cent exactly up to 2**53 minor units."""
        return self.minor / 10 ** exponent(self.currency)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    width: int = 14  # characters, for the XLSX column


def csv_text(column: Column, value: Any) -> str:
    """A cell as the CSV exports have always printed it (the API's decimal strings, ISO dates)."""
    if value is None:
        return ""
    if column.kind is Kind.MONEY:
        return format_decimal_string(value.minor, value.currency)
    if column.kind is Kind.DATE:
        return value.isoformat()
    if column.kind is Kind.PERCENT:
        return f"{value:.4f}"
    return str(value)


def money_format(currency: str) -> str:
    """An Excel number format for ``currency``: its own decimals (JPY none, BHD three), the code after."""
    places = exponent(currency)
    decimals = "." + "0" * places if places else ""
    return f'#,##0{decimals} "{currency}";-#,##0{decimals} "{currency}"'


def as_number(value: Any) -> float | int:
    if isinstance(value, Decimal):
        return float(value)
    return value
