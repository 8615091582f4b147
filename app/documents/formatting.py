"""Money and dates as the tenant's readers expect them (Babel, the tenant's locale).

Amounts arrive in minor units; the currency's own precision decides the decimals, so JPY prints
``¥1,235`` and never ``¥1,235.00``. Finance compares these strings with their ERP, so nothing is rounded
here: a minor-unit integer has exactly the digits the currency has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from app.money import from_minor


@dataclass(frozen=True)
class Formatter:
    locale: str

    def money(self, minor: int, currency: str) -> str:
        return format_currency(
            from_minor(minor, currency), currency, locale=self.locale, currency_digits=True
        )

    def date(self, value: date | None) -> str:
        return format_date(value, format="medium", locale=self.locale) if value else ""

    def quantity(self, value: Decimal | int | float) -> str:
        """A line quantity without trailing zeros (``2``, ``1.5``), grouped for the locale."""
        normalized = Decimal(str(value)).normalize()
        return format_decimal(normalized, format="#,##0.####", locale=self.locale)
