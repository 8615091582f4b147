"""``Money { amount currencyCode }`` for the portal schema.

The same shape as the staff schema's money type (wt4's ``schema/common/money.py``); when that module is
merged this one becomes an import of it.
"""

from __future__ import annotations

import strawberry

from app.money import format_decimal_string


@strawberry.type(description="An amount of money: a decimal string and its ISO 4217 currency code.")
class Money:
    amount: str = strawberry.field(description='Decimal string, e.g. "1234.50" (JPY: "1234").')
    currency_code: str

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=format_decimal_string(minor, currency), currency_code=currency)
