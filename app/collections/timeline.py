"""A customer's timeline: invoices, payments, dunning messages, collector activities, promises and
disputes, newest first, in one paged list (``customer(id) { timeline(first, after) }``).

Each source is read newest first and only as deep as the page reaches (offset + limit rows each), then
merged: a page costs two queries per source however long the history. Entries of a day are ordered by
their time when they have one (activities, promises), else they come after those of the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from app.auth.permissions import require
from app.collections import repository
from app.documents.urls import dunning_letter_url, statement_pdf_url
from app.errors import NotFound
from app.scope import Scope


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # invoice | payment | dunning_message | activity | promise | dispute
    object_id: int
    on: date
    at: datetime | None
    title: str
    amount: int | None
    currency: str | None
    detail: str
    pdf_url: str | None = None


def message_pdf_url(message_id: int, customer_id: int, attachment: str, sent_on: date) -> str | None:
    """Where a dunning message's attachment is downloaded: its statement as of its day, or its letter."""
    if attachment == "statement":
        return statement_pdf_url(customer_id, kind="open_item", as_of=sent_on)
    if attachment == "letter":
        return dunning_letter_url(message_id)
    return None


def _entry(row: dict) -> TimelineEntry:
    source, on = row["source"], row["on"]
    at = on if isinstance(on, datetime) else None
    day = on.date() if isinstance(on, datetime) else on
    if source == "Invoice":
        return TimelineEntry(
            "invoice",
            row["id"],
            day,
            at,
            f"Invoice {row['number']}",
            row["total"],
            row["currency"],
            str(row["status"]),
        )
    if source == "Payment":
        return TimelineEntry(
            "payment",
            row["id"],
            day,
            at,
            f"Payment {row['reference']}".strip(),
            row["amount"],
            row["currency"],
            str(row["status"]),
        )
    if source == "DunningMessage":
        title = f"Dunning {row['step_name']} ({row['channel']})"
        return TimelineEntry(
            "dunning_message",
            row["id"],
            day,
            at,
            title,
            None,
            None,
            f"{row['attachment']} to {row['recipient']}".strip(),
        )
    if source == "CollectionActivity":
        return TimelineEntry(
            "activity",
            row["id"],
            day,
            at,
            f"{row['kind'].capitalize()}: {row['outcome']}".rstrip(": "),
            None,
            None,
            row["note"],
        )
    if source == "PromiseToPay":
        title = f"Promise to pay by {row['promised_date'].isoformat()}"
        return TimelineEntry(
            "promise", row["id"], day, at, title, row["amount"], row["currency"], str(row["status"])
        )
    return TimelineEntry("dispute", row["id"], day, at, f"Dispute ({row['reason_code']})", row["amount"], row["currency"], str(row["status"]))  # fmt: skip


def _sort_key(e: TimelineEntry):
    moment = e.at or datetime.combine(e.on, time.min, UTC)
    return (e.on, moment, e.kind, e.object_id)


async def timeline(
    scope: Scope, customer_id: int, offset: int, limit: int
) -> tuple[list[TimelineEntry], int]:
    require(scope, "ar.read")
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer not found")
    rows, total = await repository.timeline_rows(scope, customer_id, offset + limit)
    entries = sorted((_entry(r) for r in rows), key=_sort_key, reverse=True)
    return entries[offset : offset + limit], total
