"""``Money { amount currencyCode }``: the only way an amount leaves the API.

The amount is a decimal string with exactly the currency's digits ("1234.50", JPY "1234"), so clients
never meet a binary float for money.
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
