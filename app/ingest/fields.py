"""Reading one record's fields: types, required values, decimals, dates, currencies, closed vocabularies.

Each reader method records a ``Problem`` and returns ``None`` instead of raising, so one pass over a batch
collects every problem in it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from app.ingest.problems import Problem
from app.money import exponent, is_known_currency

E = TypeVar("E", bound=StrEnum)


def parse_decimal(value: Any) -> Decimal | None:
    """A finite ``Decimal`` from a decimal string (or an int); floats are refused, they are not exact."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def minor_units(amount: Decimal, currency: str) -> int | None:
    """``amount`` in the currency's minor units, or ``None`` when it has more decimals than the currency."""
    scaled = amount.scaleb(exponent(currency))
    integral = scaled.to_integral_value()
    return int(integral) if scaled == integral else None


class RecordReader:
    """Typed access to one raw record, recording problems against its location."""

    __slots__ = ("index", "prefix", "problems", "raw", "record_type", "source")

    def __init__(
        self,
        record_type: str,
        index: int,
        raw: dict[str, Any],
        problems: list[Problem],
        source: str | None,
        prefix: str = "",
    ) -> None:
        self.record_type = record_type
        self.index = index
        self.raw = raw
        self.problems = problems
        self.source = source
        self.prefix = prefix

    def child(self, list_field: str, position: int, raw: dict[str, Any]) -> RecordReader:
        return RecordReader(
            self.record_type,
            self.index,
            raw,
            self.problems,
            self.source,
            f"{self.prefix}{list_field}[{position}].",
        )

    def problem(self, field: str | None, code: str, message: str) -> None:
        name = f"{self.prefix}{field}" if field else (self.prefix.rstrip(".") or None)
        self.problems.append(Problem(self.record_type, self.index, name, code, message, self.source))

    def check_fields(self, allowed: tuple[str, ...]) -> None:
        for key in self.raw:
            if key not in allowed and not key.startswith("_"):
                self.problem(key, "unknown_field", f"{key!r} is not a field of {self.record_type}")

    def _present(self, field: str, required: bool) -> Any:
        value = self.raw.get(field)
        if value is None or value == "":
            if required:
                self.problem(field, "required", f"{field} is required")
            return None
        return value

    def text(
        self, field: str, *, required: bool = False, max_length: int = 255, default: str = ""
    ) -> str | None:
        value = self._present(field, required)
        if value is None:
            return None if required else default
        if not isinstance(value, str):
            self.problem(field, "invalid_type", f"{field} must be a string")
            return None
        value = value.strip()
        if len(value) > max_length:
            self.problem(field, "too_long", f"{field} is longer than {max_length} characters")
            return None
        return value

    def reference(self, field: str, *, required: bool = True) -> str | None:
        """An external id pointing at another record (in this batch or already stored)."""
        return self.text(field, required=required, max_length=100)

    def integer(self, field: str, *, default: int, minimum: int = 0, maximum: int = 3650) -> int | None:
        value = self._present(field, False)
        if value is None:
            return default
        try:
            number = int(value) if not isinstance(value, bool | float) else None
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            self.problem(
                field, "invalid_integer", f"{field} must be a whole number from {minimum} to {maximum}"
            )
            return None
        return number

    def day(self, field: str, *, required: bool = True) -> date | None:
        value = self._present(field, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_date()
        except ValueError:
            self.problem(field, "invalid_date", f"{field} must be a date like 2026-06-30, got {value!r}")
            return None

    def currency(self, field: str = "currency") -> str | None:
        value = self._present(field, True)
        if value is None:
            return None
        if not is_known_currency(value):
            self.problem(field, "unknown_currency", f"{value!r} is not an ISO 4217 currency code")
            return None
        return value

    def decimal(self, field: str, *, required: bool = True, positive: bool = False) -> Decimal | None:
        value = self._present(field, required)
        if value is None:
            return None
        number = parse_decimal(value)
        if number is None:
            self.problem(
                field, "invalid_decimal", f'{field} must be a decimal string like "12.50", got {value!r}'
            )
            return None
        if positive and number <= 0:
            self.problem(field, "must_be_positive", f"{field} must be greater than zero")
            return None
        return number

    def money(
        self, field: str, currency: str | None, *, required: bool = True, positive: bool = True
    ) -> int | None:
        """Minor units of ``currency``; with an unknown currency only the decimal itself is checked."""
        number = self.decimal(field, required=required, positive=positive)
        if number is None or currency is None:
            return None
        return self.to_minor(field, number, currency)

    def to_minor(self, field: str, number: Decimal, currency: str) -> int | None:
        minor = minor_units(number, currency)
        if minor is None:
            self.problem(
                field,
                "invalid_decimal",
                f"{field} has more decimals than {currency} allows ({exponent(currency)})",
            )
        return minor

    def choice(self, field: str, vocabulary: type[E], default: E | None) -> str | None:
        """The value of a closed vocabulary as its plain string (what the database stores)."""
        value = self._present(field, default is None)
        if value is None:
            return default.value if default is not None else None
        try:
            return vocabulary(value).value
        except ValueError:
            allowed = ", ".join(v.value for v in vocabulary)
            self.problem(field, "invalid_choice", f"{field} must be one of {allowed}, got {value!r}")
            return None

    def items(self, field: str, *, required: bool = False) -> list[dict[str, Any]]:
        value = self.raw.get(field)
        if value is None or value == []:
            if required:
                self.problem(field, "required", f"{field} needs at least one item")
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(field, "invalid_type", f"{field} must be a list of objects")
            return []
        return value


def _bad_date() -> date:
    raise ValueError("not an ISO date")
