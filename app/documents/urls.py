"""Where documents are downloaded, in one place, so GraphQL types and pages link to the same URLs.

(Links into the portal pages, printed on the documents, are ``app.portal.links``.)

Ids in URLs are the same opaque ids the GraphQL APIs hand out (``app.ids``), resolved through the
caller's scope like any other: a crafted or foreign id is simply not found.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from app.errors import NotFound
from app.ids import decode_id, encode_id


def document_id(raw: str, kind: str) -> int:
    """The primary key behind the opaque id in a download URL (``kind`` is Invoice or Customer); anything
    malformed or of another kind is simply not found."""
    if not raw.isascii() or len(raw) > 64:
        raise NotFound("no such document")
    return decode_id(kind, raw)


def invoice_pdf_url(invoice_id: int) -> str:
    return f"/documents/invoices/{encode_id('Invoice', invoice_id)}.pdf"


def statement_pdf_url(
    customer_id: int,
    *,
    kind: str = "activity",
    period_from: date | None = None,
    period_to: date | None = None,
    as_of: date | None = None,
    currency: str | None = None,
) -> str:
    params = {"kind": kind, "from": period_from, "to": period_to, "asOf": as_of, "currency": currency}
    query = urlencode({k: v.isoformat() if isinstance(v, date) else v for k, v in params.items() if v})
    return f"/documents/statements/{encode_id('Customer', customer_id)}.pdf?{query}"


def dunning_letters_url(message_ids: list[int] | None) -> str:
    """The print file of these dunning letters (None: the oldest queued)."""
    query = urlencode([("id", encode_id("DunningMessage", i)) for i in message_ids or []])
    return "/documents/dunning-letters.pdf" + (f"?{query}" if query else "")


def dunning_letter_url(message_id: int) -> str:
    """The letter of a dunning message (its invoices, fee and interest), as the customer got it."""
    return f"/documents/dunning/{encode_id('DunningMessage', message_id)}.pdf"
