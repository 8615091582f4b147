"""Email addresses: exactly one address, parsed by the ``email-validator`` package.

``"@" in value`` let through ``"a@x.example, b@y.example"`` (a list: the invitation went to two people)
and addresses with CR/LF (a mail header injection). ``email-validator`` parses the address the way
RFC 5322/6531 define it and refuses display names (``Bob <bob@x.example>``), lists, whitespace and
control characters; it is asked for syntax only (``check_deliverability=False``): no DNS look-up on a
request path. The standard library's ``email.utils.parseaddr`` was not used: it returns ``('', '')``
or silently a part of what it was given instead of refusing.

Addresses are stored in lower case (how sign-in compares them). Special-use domains that can never
receive mail (``.test``, ``.invalid``, ``.localhost``, ``.local``) are refused; ``.example`` is kept,
as the demo and the tests use it.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from app.inputs.errors import invalid
from app.inputs.text import bad_character

MAX_EMAIL = 254


def parse_email(value: object, field: str = "email") -> str:
    """One email address, lower-cased; codes ``invalid_type``, ``too_long``, ``invalid_email``."""
    if not isinstance(value, str):
        raise invalid(field, "invalid_type", f"{field} must be text")
    text = value.strip()
    if len(text) > MAX_EMAIL:
        raise invalid(field, "too_long", f"{field} is longer than {MAX_EMAIL} characters")
    if bad_character(text, multiline=False) is not None:
        raise invalid(field, "invalid_email", f"{field} must be one email address, without line breaks")
    try:
        parsed = validate_email(text, check_deliverability=False, allow_display_name=False)
    except EmailNotValidError as exc:
        raise invalid(field, "invalid_email", f"{field} is not one email address: {exc}") from None
    return parsed.normalized.lower()
