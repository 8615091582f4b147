"""Converting per-currency totals to the base currency exactly as metrics.md says.

Each per-currency total (or table cell) is converted once, at the latest rate dated on or before the
figure's date, and rounded half-even to the base currency's minor unit. A missing rate is an error that
names the currency: a silent zero would understate receivables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.errors import LedgerportError
from app.fx import repository
from app.money import exponent, round_half_even
from app.scope import Scope


class MissingRate(LedgerportError):
    """No exchange rate on or before the date for a currency the figure needs."""

    code = "fx_rate_missing"


@dataclass(frozen=True)
class Converter:
    """Rates (base units per unit of currency) for a set of currencies on one date."""

    base: str
    on: date
    rates: dict[str, Decimal]

    def factor(self, currency: str) -> Decimal:
        """Multiply minor units of ``currency`` by this to get (unrounded) minor units of the base."""
        if currency not in self.rates:
            raise MissingRate(
                f"no {currency} to {self.base} exchange rate on or before {self.on.isoformat()}",
                field="asOf",
            )
        return self.rates[currency].scaleb(exponent(self.base) - exponent(currency))

    def convert(self, minor: int, currency: str) -> int:
        """Minor units of ``currency`` -> minor units of the base currency, rounded half-even."""
        if currency == self.base:
            return minor
        return round_half_even(Decimal(minor) * self.factor(currency))


async def converter(scope: Scope, base: str, currencies: Iterable[str], on: date) -> Converter:
    """A converter for ``currencies``; raises ``MissingRate`` naming the first currency without a rate."""
    rates: dict[str, Decimal] = {base: Decimal(1)}
    for currency in sorted(set(currencies) - {base}):
        rate = await repository.latest_rate(scope, currency, on)
        if rate is None:
            raise MissingRate(
                f"no {currency} to {base} exchange rate on or before {on.isoformat()}", field="asOf"
            )
        rates[currency] = rate
    return Converter(base=base, on=on, rates=rates)


async def all_rates(scope: Scope, base: str, on: date) -> Converter:
    """A converter with every currency that has a rate on or before ``on``; others raise on use."""
    rates = await repository.latest_rates(scope, on)
    rates[base] = Decimal(1)
    return Converter(base=base, on=on, rates=rates)


def rate_missing(base: str, earliest: dict[str, date], currency: str, on: date) -> bool:
    """Whether a document in ``currency`` dated ``on`` could not be converted to ``base`` (no rate on
    or before ``on``): the base currency never needs one."""
    if currency == base:
        return False
    first = earliest.get(currency)
    return first is None or first > on


def missing_rate_message(base: str, currency: str, on: date) -> str:
    return (
        f"no {currency} to {base} exchange rate on or before {on.isoformat()}: import one first, "
        f"so every figure that includes this can be converted"
    )


async def require_rate(scope: Scope, base: str, currency: str, on: date, field: str = "currency") -> None:
    """Refuse to store an amount in a foreign currency that has no rate on or before its date.

    Stored, it would break every figure of the tenant that includes it (the dashboard, the customer
    list, exports all answered ``fx_rate_missing`` after one such payment), so it is refused at write
    time instead, naming the currency: ``fx_rate_missing``."""
    if currency == base:
        return
    if rate_missing(base, await repository.earliest_rates(scope), currency, on):
        raise MissingRate(missing_rate_message(base, currency, on), field=field)


async def first_rate_dates(scope: Scope) -> dict[str, date]:
    """Each currency's earliest rate date in the caller's tenant."""
    return await repository.earliest_rates(scope)
