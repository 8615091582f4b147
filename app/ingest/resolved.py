"""What ingest validation works on and produces: the stored rows a batch names, resolved rows, and
the few facts about each invoice the money rules need; plus which keys a batch refers to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.ingest.records import Parsed, Record

SETTLING = {"creditNotes": "appliesTo", "payments": "allocations"}


@dataclass
class Stored:
    """What the database already holds for the keys a batch names (all of the caller's tenant)."""

    rows: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    children: dict[str, dict[int, list[tuple]]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_owners: dict[str, str] = field(default_factory=dict)
    number_owners: dict[str, dict[str, str]] = field(default_factory=dict)
    settled: dict[int, int] = field(default_factory=dict)
    #: Each currency's earliest stored FX rate date (app.ingest.rates).
    first_rates: dict[str, date] = field(default_factory=dict)

    def of(self, record_type: str) -> dict[Any, dict[str, Any]]:
        return self.rows.get(record_type, {})


@dataclass(frozen=True)
class Row:
    """One record resolved to database values: its key, id (stored or newly reserved), columns, nested rows."""

    key: Any
    id: int
    values: tuple
    children: list[tuple] | None


@dataclass
class Resolved:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    #: email -> name of every contact the batch names.
    contacts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InvoiceFacts:
    id: int
    customer_id: int | None
    currency: str | None
    issue_date: date | None
    total: int
    stored: bool


def record_key(record_type: str, record: Record) -> Any:
    if record_type == "fxRates":
        return (record["currency"], record["date"])
    return record["external_id"]


def referenced_customers(parsed: Parsed) -> set[str]:
    refs = {r["customer_ref"] for t in parsed.records for r in parsed.of(t) if r.get("customer_ref")}
    refs |= {r["parent_ref"] for r in parsed.of("customers") if r["parent_ref"]}
    return refs | {r["external_id"] for r in parsed.of("customers") if r["external_id"]}


def referenced_invoices(parsed: Parsed) -> set[str]:
    refs = {r["external_id"] for r in parsed.of("invoices") if r["external_id"]}
    refs |= {r["invoice_ref"] for t in ("writeOffs", "disputes") for r in parsed.of(t) if r["invoice_ref"]}
    for record_type in SETTLING:
        refs |= {s[0] for r in parsed.of(record_type) for s in r["settlements"]}
    return refs
