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


def raise_problems(problems: list[tuple[str, str] | tuple[str, str, str]]) -> None:
    """Raise every (field, message[, code]) found at once, so a form can show them all; without a code
    a problem is ``invalid`` (a field to fill in), with one it is the input rule's (``app.inputs``)."""
    if problems:
        raise ValidationFailed(
            problems[0][1],
            problems=[Problem((p[0],), p[2] if len(p) > 2 else "invalid", p[1]) for p in problems],
            field=problems[0][0],
        )


def rule_code(exc: ValidationFailed) -> str:
    """The code a form problem keeps from an input rule's refusal: the rule's, but "fill this in"
    stays ``invalid`` as every form's empty field is."""
    return "invalid" if exc.code in ("required", "invalid") else exc.code
