"""Codes from closed international lists: ISO 4217 currencies (Babel) and ISO 3166-1 countries
(pycountry).

Currencies are the codes Babel knows (its CLDR data lists every ISO 4217 code, historic ones too), in
upper case as ISO writes them. That a currency exists is not enough to store an amount in it: a
foreign currency also needs an FX rate, checked where rows are at hand (``app.fx.service``).

Countries are ISO 3166-1 alpha-2 codes as pycountry lists them (the ISO list itself, 249 codes).
Babel's territory list would also pass CLDR's own codes (``EU``, ``EZ``, ``UN``, ``QO``, ``ZZ``,
``XK``...), which are not countries an address can be in.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

from app.inputs.errors import invalid
from app.money import is_known_currency


def check_currency(code: object, field: str = "currency") -> str:
    """``code`` when it is an ISO 4217 code Babel knows; code ``unknown_currency``."""
    if not isinstance(code, str) or not is_known_currency(code):
        shown = code if isinstance(code, str) else type(code).__name__
        raise invalid(
            field, "unknown_currency", f"{_short(shown)!r} is not an ISO 4217 currency code (like USD)"
        )
    return code


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: object) -> bool:
    return isinstance(code, str) and len(code) == 2 and code in _countries()


def check_country(code: object, field: str = "country") -> str:
    """``code`` when it is an ISO 3166-1 alpha-2 code (upper case); code ``invalid_country``."""
    if not is_country(code):
        shown = code if isinstance(code, str) else type(code).__name__
        raise invalid(
            field,
            "invalid_country",
            f"{field} must be an ISO 3166-1 two-letter country code like US, got {_short(shown)!r}",
        )
    return code  # type: ignore[return-value]


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:17] + "..."
