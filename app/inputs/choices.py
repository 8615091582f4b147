"""Closed vocabularies given as text (query strings, ingest records, portal forms): a value of the
vocabulary or a refusal that names the value and the allowed ones, like a GraphQL enum would.

An export filter of ``riskRating=Z`` used to be dropped silently, so the file held every customer while
its caller believed it held the Z-rated ones.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from app.inputs.errors import invalid

E = TypeVar("E", bound=StrEnum)


def allowed(vocabulary: type[StrEnum]) -> str:
    return ", ".join(v.value for v in vocabulary)


def choice(value: object, vocabulary: type[E], field: str) -> E:
    """The member of ``vocabulary`` whose value is ``value``; code ``invalid_choice``."""
    if isinstance(value, str):
        try:
            return vocabulary(value)
        except ValueError:
            pass
    shown = value if isinstance(value, str) and len(value) <= 40 else type(value).__name__
    raise invalid(
        field,
        "invalid_choice",
        f"{field} must be one of {allowed(vocabulary)}, got {shown!r}",
    )
