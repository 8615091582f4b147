"""Reading one record's fields: types, required values, decimals, dates, currencies, closed vocabularies.

Each reader method records a ``Problem`` and returns ``None`` instead of raising, so one pass over a batch
collects every problem in it. The rules themselves are the API's (``app.inputs``): money and decimals
are decimal strings in ASCII digits, dates ISO within 1900-01-01..2199-12-31, text without control
characters and within its column, one email address per field. Ingest keeps its documented code
``invalid_decimal`` where the API says ``invalid_amount``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from app.errors import ValidationFailed
from app.ingest.problems import Problem
from app.inputs import codes, dates, emails, money, text
from app.money import exponent

E = TypeVar("E", bound=StrEnum)

#: What the API calls a code, ingest's documented name for it (docs/ingest.md).
_INGEST_CODES = {"invalid_amount": "invalid_decimal"}
_INTEGER = re.compile(r"-?[0-9]{1,10}")


def parse_decimal(value: Any) -> Decimal | None:
    """A ``Decimal`` from a decimal string written as ``app.inputs.money`` reads amounts (or a JSON
    integer); floats, exponents, separators, spaces and non-ASCII digits are refused."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    raw = str(value) if isinstance(value, int) else value
    return Decimal(raw) if money.AMOUNT.fullmatch(raw) else None


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

    def refused(self, exc: ValidationFailed, field: str) -> None:
        """Record an ``app.inputs`` refusal as this record's problem on ``field``."""
        self.problem(field, _INGEST_CODES.get(exc.code, exc.code), exc.message)

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        max_length: int = 255,
        default: str = "",
        multiline: bool = False,
    ) -> str | None:
        return self._read(
            field,
            required,
            lambda v: text.check_text(v, field, max_length, multiline=multiline, required=required),
            None if required else default,
        )

    def _read(self, field: str, required: bool, rule, absent: Any = None) -> Any:
        """``rule`` (an ``app.inputs`` reader) applied to the field: its value, ``absent`` when the
        field is not given, ``None`` and a problem when the rule refuses it."""
        value = self._present(field, required)
        if value is None:
            return absent
        try:
            return rule(value)
        except ValidationFailed as exc:
            self.refused(exc, field)
            return None

    def email(self, field: str) -> str | None:
        return self._read(field, True, lambda v: emails.parse_email(v, field))

    def country(self, field: str = "country") -> str | None:
        return self._read(field, False, lambda v: codes.check_country(v, field), "")

    def reference(self, field: str, *, required: bool = True) -> str | None:
        """An external id pointing at another record (in this batch or already stored)."""
        return self.text(field, required=required, max_length=100)

    def integer(self, field: str, *, default: int, minimum: int = 0, maximum: int = 3650) -> int | None:
        value = self._present(field, False)
        if value is None:
            return default
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value):
            number = int(value)
        if number is None or not minimum <= number <= maximum:
            self.problem(
                field, "invalid_integer", f"{field} must be a whole number from {minimum} to {maximum}"
            )
            return None
        return number

    def day(self, field: str, *, required: bool = True) -> date | None:
        return self._read(field, required, lambda v: dates.parse_date(v, field))

    def currency(self, field: str = "currency") -> str | None:
        return self._read(field, True, lambda v: codes.check_currency(v, field))

    def decimal(self, field: str, *, required: bool = True, positive: bool = False) -> Decimal | None:
        value = self._present(field, required)
        if value is None:
            return None
        number = parse_decimal(value)
        if number is None:
            shown = value if isinstance(value, str) and len(value) <= 40 else type(value).__name__
            self.problem(
                field,
                "invalid_decimal",
                f'{field} must be a decimal string like "12.50" (digits 0-9, no exponent, separators '
                f"or spaces), got {shown!r}",
            )
            return None
        if positive and number <= 0:
            self.problem(field, "must_be_positive", f"{field} must be greater than zero")
            return None
        return number

    def money(
        self, field: str, currency: str | None, *, required: bool = True, positive: bool = True
    ) -> int | None:
        """Minor units of ``currency`` by the API's rule (``app.inputs.money``); with an unknown
        currency only the decimal itself is checked. ``positive``: more than zero, else any sign."""
        if currency is None:
            self.decimal(field, required=required, positive=positive)
            return None

        def rule(value: Any) -> int:
            raw = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            return money.parse_amount(raw, currency, field, positive=positive, allow_negative=not positive)

        return self._read(field, required, rule)

    def to_minor(self, field: str, number: Decimal, currency: str) -> int | None:
        minor = minor_units(number, currency)
        if minor is None:
            self.problem(
                field,
                "invalid_decimal",
                f"{field} has more decimals than {currency} allows ({exponent(currency)})",
            )
            return None
        return self.within_ceiling(field, minor, currency)

    def within_ceiling(self, field: str, minor: int, currency: str) -> int | None:
        """``minor`` when within ``app.inputs.money.MAX_AMOUNT``; else a problem and ``None``."""
        try:
            return money.check_minor(minor, currency, field, allow_negative=True)
        except ValidationFailed as exc:
            self.refused(exc, field)
            return None

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
