"""Money in integer minor units: parsing, formatting and currency facts.

Amounts live as ``int`` minor units beside an ISO 4217 code (USD 12.34 -> 1234, JPY 1234 -> 1234);
``Decimal`` appears only at the edges, where people and files speak in decimal strings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache, lru_cache

from babel.numbers import get_currency_precision, list_currencies


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_known_currency(code: str) -> bool:
    return isinstance(code, str) and len(code) == 3 and code.isupper() and code in _currencies()


@lru_cache(maxsize=512)
@cache
def exponent(currency: str) -> int:
    """Digits after the decimal point of the currency's minor unit (USD 2, JPY 0, BHD 3); cached, as
    every amount the API returns asks (Babel's lookup is the slow part of formatting a list)."""
    return get_currency_precision(currency)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Convert a decimal amount to minor units; refuse more precision than the currency has."""
    try:
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not a finite number")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows ({exponent(currency)})")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units to a ``Decimal`` with exactly the currency's number of decimals."""
    digits = exponent(currency)
    return (Decimal(minor).scaleb(-digits)).quantize(Decimal(1).scaleb(-digits))


def format_decimal_string(minor: int, currency: str) -> str:
    """The API's money string: ``"1234.50"`` for USD, ``"1234"`` for JPY, ``"-0.05"``. Integer
    arithmetic, exact like ``from_minor`` and several times faster (a page formats thousands)."""
    digits = exponent(currency)
    minor = int(minor)
    if digits == 0:
        return str(minor)
    whole, part = divmod(abs(minor), 10**digits)
    return f"{'-' if minor < 0 else ''}{whole}.{part:0{digits}d}"


def round_half_even(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))
