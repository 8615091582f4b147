"""Text as it arrives: valid Unicode, no control characters where they cannot belong, and no longer
than the column that keeps it.

- A lone surrogate (``"\\ud800"`` in JSON) is not a character: it cannot be encoded as UTF-8, so the
  database driver failed on it (a 500). NUL is refused by PostgreSQL's text types. Both, and every other
  C0/C1 control character but tab and line breaks, are refused everywhere (``invalid_text``).
- Single-line fields (names, references, ids, emails, subjects) refuse line breaks and tabs as well:
  a CR/LF in an address header is a header injection. Multi-line fields (addresses, messages, notes,
  descriptions) keep them.
- The length limit is the column's (``too_long``): PostgreSQL refused a 1 MB reference with a 500,
  SQLite stored it.

Search strings are bounded (``MAX_SEARCH``) and their LIKE wildcards escaped (``like_contains``), so a
search for ``50%`` finds "50%" and a 50 KB pattern no longer makes SQLite give up ("LIKE pattern too
complex").
"""

from __future__ import annotations

import re

from app.inputs.errors import invalid

#: Characters no text field holds: C0 controls but tab/LF/CR, DEL, C1 controls, lone surrogates.
_NEVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: ... and, in a single-line field, tab and line breaks (plus the Unicode line and paragraph separators).
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

MAX_SEARCH = 100
LIKE_ESCAPE = "\\"


def bad_character(value: str, *, multiline: bool = True) -> str | None:
    """The first character ``value`` may not hold, if any, named for a message: ``"a control
    character (U+0000)"``, ``"a lone surrogate (U+D800)"``."""
    found = (_NEVER if multiline else _NOT_IN_A_LINE).search(value)
    if found is None:
        return None
    point = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= point <= 0xDFFF else "a control character"
    return f"{kind} (U+{point:04X})"


def check_text(
    value: object,
    field: str,
    max_length: int,
    *,
    multiline: bool = False,
    required: bool = False,
    strip: bool = True,
) -> str:
    """``value`` stripped (unless ``strip=False``) and checked; codes ``invalid_type``, ``required``,
    ``invalid_text``, ``too_long``."""
    if not isinstance(value, str):
        raise invalid(field, "invalid_type", f"{field} must be text")
    text = value.strip() if strip else value
    bad = bad_character(text, multiline=multiline)
    if bad is not None:
        raise invalid(
            field,
            "invalid_text",
            f"{field} contains {bad}"
            + ("" if multiline else "; it is one line of text without tabs or line breaks"),
        )
    if required and not text:
        raise invalid(field, "required", f"{field} is required")
    if len(text) > max_length:
        raise invalid(field, "too_long", f"{field} is longer than {max_length:,} characters")
    return text


def search_term(value: object, field: str = "search") -> str | None:
    """A search string: one line, at most ``MAX_SEARCH`` characters; ``None`` when empty."""
    if value is None:
        return None
    text = check_text(value, field, MAX_SEARCH)
    return text or None


def like_contains(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, its ``%``, ``_`` and ``\\`` taken literally (use with
    ``ESCAPE '\\'``)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
