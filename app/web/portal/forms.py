"""Reading what a portal form sent: dates, amounts, files, and errors tied to their fields."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import UploadFile

from app.errors import LedgerportError, ValidationFailed
from app.money import to_minor


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
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("enter a date like 2026-06-30", field=name) from None


def parse_amount(raw: str, currency: str) -> int:
    try:
        return to_minor(raw.strip().replace(",", ""), currency)
    except ValueError:
        raise ValidationFailed("enter an amount like 120.00", field="amount") from None
