"""Field problems of a form or a mutation input, raised all at once so every field's message shows."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ValidationFailed


@dataclass(frozen=True)
class Problem:
    """One field's problem, in the shape ``ValidationFailed.problems`` carries to userErrors and forms."""

    field_path: tuple[str, ...]
    code: str
    message: str


def raise_problems(problems: list[tuple[str, str]]) -> None:
    """Raise every (field, message) found at once, so a form can show them all."""
    if problems:
        raise ValidationFailed(
            problems[0][1],
            problems=[Problem((f,), "invalid", m) for f, m in problems],
            field=problems[0][0],
        )
