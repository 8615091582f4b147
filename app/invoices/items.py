"""An invoice as of a date: the row shape every list of invoices shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.db.sql import as_date


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    customer_id: int
    number: str
    status: str
    currency: str
    total: int
    open_amount: int
    issue_date: date
    due_date: date
    days_past_due: int  # as-of date - due date; <= 0 means not yet due


def open_item_of(row: dict[str, Any], as_of: date) -> OpenItem:
    """An ``OpenItem`` from a row of the receivables repository's open-items SQL."""
    due = as_date(row["due_date"])
    return OpenItem(
        invoice_id=row["invoice_id"],
        customer_id=row["customer_id"],
        number=row["number"],
        status=str(row["status"]),
        currency=row["currency"],
        total=int(row["total"]),
        open_amount=int(row["open_amount"]),
        issue_date=as_date(row["issue_date"]),
        due_date=due,
        days_past_due=(as_of - due).days,
    )
