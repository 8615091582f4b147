"""Money and dates as the tenant's readers expect them (Babel, the tenant's locale).

Amounts arrive in minor units; the currency's own precision decides the decimals, so JPY prints
``¥1,235`` and never ``¥1,235.00``. Finance compares these strings with their ERP, so nothing is rounded
here: a minor-unit integer has exactly the digits the currency has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from app.money import from_minor

#: Distinct (locale, value, currency) results kept per kind of figure.
CACHED_RESULTS = 1 << 16


@dataclass(frozen=True)
class Formatter:
    """Formats for one locale. The results are cached: Babel takes ~25 µs an amount, and every download,
    even one answered from the PDF cache, formats the whole document again to compute its ETag."""

    locale: str

    def money(self, minor: int, currency: str) -> str:
        return _money(self.locale, minor, currency)

    def date(self, value: date | None) -> str:
        return _date(self.locale, value) if value else ""

    def quantity(self, value: Decimal | int | float) -> str:
        """A line quantity without trailing zeros (``2``, ``1.5``), grouped for the locale."""
        return _quantity(self.locale, Decimal(str(value)).normalize())


@lru_cache(maxsize=CACHED_RESULTS)
def _money(locale: str, minor: int, currency: str) -> str:
    return format_currency(from_minor(minor, currency), currency, locale=locale, currency_digits=True)


@lru_cache(maxsize=CACHED_RESULTS)
def _date(locale: str, value: date) -> str:
    return format_date(value, format="medium", locale=locale)


@lru_cache(maxsize=CACHED_RESULTS)
def _quantity(locale: str, normalized: Decimal) -> str:
    return format_decimal(normalized, format="#,##0.####", locale=locale)
