"""The one exception every input rule raises: ``ValidationFailed`` with a code and a field."""

from __future__ import annotations

from app.errors import ValidationFailed


def invalid(field: str | None, code: str, message: str) -> ValidationFailed:
    """The refusal of one value; raise it (``raise invalid(...)``) so tracebacks point at the rule."""
    return ValidationFailed(message, code=code, field=field)
