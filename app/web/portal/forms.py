"""Reading what a portal form sent: dates, amounts, files, and errors tied to their fields.

Dates and amounts follow the API's rules (``app.inputs``); a form only forgives the surrounding spaces
a person or a browser's autofill adds.
"""

from __future__ import annotations

from datetime import date

from starlette.datastructures import UploadFile

from app.errors import LedgerportError, ValidationFailed
from app.inputs import dates, money


def field_errors(exc: LedgerportError) -> dict[str, str]:
    """Field name -> message, so the form shows each problem beside its field (``aria-describedby``)."""
    problems = getattr(exc, "problems", None) or []
    if problems:
        return {p.field_path[-1]: p.message for p in problems}
    return {exc.field or "form": exc.message}


async def uploaded_files(form) -> list[tuple[str, str, bytes]]:
    """The files of a form's ``attachments`` field (browsers send an empty part when none is chosen)."""
    files = []
    for item in form.getlist("attachments") if hasattr(form, "getlist") else []:
        if isinstance(item, UploadFile) and item.filename:
            files.append((item.filename, item.content_type or "", await item.read()))
    return files


def parse_date(raw: str | None, name: str) -> date | None:
    if not raw or not raw.strip():
        return None
    try:
        return dates.parse_date(raw.strip(), name)
    except ValidationFailed as exc:
        if exc.code == "date_out_of_range":
            raise
        raise ValidationFailed("enter a date like 2026-06-30", code=exc.code, field=name) from None


def parse_amount(raw: str, currency: str) -> int:
    try:
        return money.parse_amount(raw.strip(), currency, "amount")
    except ValidationFailed as exc:
        if exc.code != "invalid_amount":
            raise
        raise ValidationFailed("enter an amount like 120.00", code=exc.code, field="amount") from None
