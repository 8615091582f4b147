"""Money as it arrives: a decimal string in the currency's units, read into integer minor units.

Only ``^-?[0-9]{1,15}(\\.[0-9]+)?$`` is an amount: ASCII digits, an optional minus sign, at most the
currency's minor digits after a point. Python's ``Decimal`` reads far more (``1e5``, ``" 10.00 "``,
``1_000``, Arabic-Indic digits, ``NaN``), and a finance API that accepted them would store what nobody
typed.

**Ceilings.** Every stored amount is a signed 64-bit integer (BIGINT), and figures add them up in SQL,
where SQLite raises on an integer overflow and PostgreSQL's drivers cannot read a numeric past it. So:

- one amount (a price, a line, a tax, a payment, an allocation, a promise) is at most
  ``MAX_AMOUNT`` = 10^13 minor units in absolute value (USD 100,000,000,000.00; JPY 10 trillion);
- a document's sum (an invoice's lines and tax, a payment's or credit note's allocations) is checked
  against the same ceiling, so the total a write stores is an amount like any other;
- a tenant-wide SUM of one column then needs more than ``SUM_HEADROOM`` = 922,337 rows at the ceiling
  to overflow: 9.2 x 10^18 minor units, about a thousand times the world's yearly output in USD. The
  ceiling is what turns "a sum overflowed" from one request away (a single payment of
  92233720368547758.07 did it) into a ledger no business has.
"""

from __future__ import annotations

import re
from decimal import Decimal

from app.inputs.errors import invalid
from app.money import exponent

MAX_AMOUNT = 10**13
BIGINT_MAX = 2**63 - 1
#: How many amounts at the ceiling one SUM holds before it could overflow BIGINT.
SUM_HEADROOM = BIGINT_MAX // MAX_AMOUNT

AMOUNT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]+)?")
#: Written like an amount but with more whole digits: a number, only too large.
_LONG_NUMBER = re.compile(r"-?[0-9]{16,}(?:\.[0-9]+)?")


def parse_amount(
    raw: object, currency: str, field: str = "amount", *, positive: bool = False, allow_negative: bool = False
) -> int:
    """``raw`` (a decimal string) in minor units of ``currency``, within the ceiling.

    ``positive``: zero is refused too. ``allow_negative``: a minus sign is allowed (credit balances,
    intercompany amounts); otherwise an amount below zero is refused.
    Codes: ``invalid_amount`` (not written as an amount, or more decimals than the currency has),
    ``must_be_positive``, ``amount_out_of_range``.
    """
    if isinstance(raw, str) and _LONG_NUMBER.fullmatch(raw) is not None:
        raise invalid(
            field,
            "amount_out_of_range",
            f"{field} is beyond the largest amount accepted ({ceiling(currency)} {currency})",
        )
    if not isinstance(raw, str) or AMOUNT.fullmatch(raw) is None:
        shown = raw if isinstance(raw, str) else type(raw).__name__
        raise invalid(
            field,
            "invalid_amount",
            f'{field} must be a decimal string like "1234.50" (digits 0-9, a point, no exponent, '
            f"separators or spaces), got {_short(shown)!r}",
        )
    digits = exponent(currency)
    fraction = raw.partition(".")[2]
    if len(fraction) > digits:
        raise invalid(
            field,
            "invalid_amount",
            f"{field} has more decimals than {currency} allows ({digits}), got {_short(raw)!r}",
        )
    minor = int(Decimal(raw).scaleb(digits))
    check_minor(minor, currency, field, positive=positive, allow_negative=allow_negative)
    return minor


def check_minor(
    minor: int, currency: str, field: str = "amount", *, positive: bool = False, allow_negative: bool = False
) -> int:
    """An amount already in minor units (a Stripe event, a computed line or sum) against the same rules."""
    if positive and minor <= 0:
        raise invalid(field, "must_be_positive", f"{field} must be greater than zero")
    if minor < 0 and not allow_negative:
        raise invalid(field, "must_be_positive", f"{field} must not be negative")
    if abs(minor) > MAX_AMOUNT:
        raise invalid(
            field,
            "amount_out_of_range",
            f"{field} is beyond the largest amount accepted ({ceiling(currency)} {currency})",
        )
    return minor


def within_ceiling(minor: int) -> bool:
    return abs(minor) <= MAX_AMOUNT


def ceiling(currency: str) -> str:
    """The ceiling in the currency's units, as the messages show it ("100000000000.00")."""
    digits = exponent(currency)
    whole, part = divmod(MAX_AMOUNT, 10**digits)
    return f"{whole}.{part:0{digits}d}" if digits else str(whole)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
