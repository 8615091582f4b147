"""Second pass over a batch: references, uniqueness and money rules, against the batch and stored rows.

References by external id resolve first to a record of the same batch, then to a stored row of the
caller's tenant (``Stored`` was loaded through the scope, so another tenant's rows are simply unknown).
Every problem is collected; the service writes nothing when there is one.

Codes: duplicate_external_id, duplicate_key, duplicate_number, duplicate_account_number, unknown_customer,
unknown_invoice, invalid_parent, conflicting_contact, other_customer_invoice, currency_mismatch,
date_before_issue, date_before_document, over_allocated, amount_over_open, total_below_settled,
settled_invoice_changed, invalid_decimal (plus the field-level codes of ``app.ingest.fields``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.ingest.fields import minor_units
from app.ingest.problems import Problem
from app.ingest.records import Parsed, Record
from app.ingest.tables import TABLES
from app.money import exponent, format_decimal_string

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


class _Checker:
    def __init__(self, parsed: Parsed, stored: Stored, new_ids: dict[str, dict[Any, int]]) -> None:
        self.parsed = parsed
        self.stored = stored
        self.new_ids = new_ids
        self.problems: list[Problem] = []
        self.resolved = Resolved()
        self.first: dict[str, dict[Any, Record]] = {}

    def problem(self, record_type: str, record: Record, field: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(record_type, record["_i"], field, code, message, record["_src"]))

    def id_of(self, record_type: str, key: Any) -> int | None:
        row = self.stored.of(record_type).get(key)
        return row["id"] if row is not None else self.new_ids.get(record_type, {}).get(key)

    def unique_records(self, record_type: str) -> list[Record]:
        """Records with a usable, unrepeated key; a repeated key is a problem on each later record."""
        seen: dict[Any, Record] = {}
        for record in self.parsed.of(record_type):
            key = record_key(record_type, record)
            if key is None or None in (key if isinstance(key, tuple) else (key,)):
                continue
            if key in seen:
                code, what = (
                    ("duplicate_key", "currency and date")
                    if record_type == "fxRates"
                    else ("duplicate_external_id", "externalId")
                )
                self.problem(record_type, record, None, code, f"the batch has this {what} twice")
                continue
            seen[key] = record
        self.first[record_type] = seen
        return list(seen.values())

    def customer(self, record_type: str, record: Record, field: str = "customer") -> int | None:
        ref = record.get("customer_ref") if field == "customer" else record.get("parent_ref")
        if ref is None:
            return None
        customer_id = self.id_of("customers", ref)
        if customer_id is None:
            self.problem(
                record_type, record, field, "unknown_customer", f"no customer with externalId {ref!r}"
            )
        return customer_id

    def unique_column(
        self, record_type: str, records: list[Record], column: str, field: str, code: str
    ) -> None:
        """``number`` / ``accountNumber``: unique in the batch and not held by another stored record."""
        owners = (
            self.stored.account_owners
            if column == "account_number"
            else self.stored.number_owners.get(record_type, {})
        )
        seen: dict[str, str] = {}
        for record in records:
            value = record[column]
            if value is None:
                continue
            holder = seen.get(value) or owners.get(value)
            if holder is not None and holder != record["external_id"]:
                self.problem(record_type, record, field, code, f"{value!r} is already used by {holder!r}")
            seen.setdefault(value, record["external_id"])

    # -- record types -------------------------------------------------------------------------------

    def fx_rates(self) -> None:
        self.resolved.rows["fxRates"] = [
            Row(
                record_key("fxRates", r),
                self.id_of("fxRates", record_key("fxRates", r)) or 0,
                (r["currency"], r["date"], r["rate"]),
                None,
            )
            for r in self.unique_records("fxRates")
        ]

    def customers(self) -> None:
        records = self.unique_records("customers")
        self.unique_column(
            "customers", records, "account_number", "accountNumber", "duplicate_account_number"
        )
        names: dict[str, str] = self.resolved.contacts
        out = []
        for r in records:
            parent_id = self.customer("customers", r, "parent")
            if r["parent_ref"] is not None and r["parent_ref"] == r["external_id"]:
                self.problem(
                    "customers", r, "parent", "invalid_parent", "a customer cannot be its own parent"
                )
            accesses = []
            for position, (email, name, role) in enumerate(r["contacts"]):
                if email is None:
                    continue
                if names.setdefault(email, name) != name:
                    self.problem(
                        "customers",
                        r,
                        f"contacts[{position}].name",
                        "conflicting_contact",
                        f"{email} is named {names[email]!r} elsewhere in the batch",
                    )
                accesses.append((email, role))
            values = tuple(r[c] if c != "parent_id" else parent_id for c in TABLES["customers"].columns)
            out.append((r, values, accesses))
        self.resolved.rows["customers"] = [
            Row(r["external_id"], self.id_of("customers", r["external_id"]), values, accesses)
            for r, values, accesses in out
        ]

    def invoices(self) -> dict[str, InvoiceFacts]:
        records = self.unique_records("invoices")
        self.unique_column("invoices", records, "number", "number", "duplicate_number")
        rows = []
        for r in records:
            customer_id = self.customer("invoices", r)
            values = tuple(r[c] if c != "customer_id" else customer_id for c in TABLES["invoices"].columns)
            rows.append(Row(r["external_id"], self.id_of("invoices", r["external_id"]), values, r["lines"]))
        self.resolved.rows["invoices"] = rows
        facts: dict[str, InvoiceFacts] = {}
        for ext, row in self.stored.of("invoices").items():
            facts[ext] = InvoiceFacts(
                row["id"], row["customer_id"], row["currency"], row["issue_date"], row["total"], True
            )
        for r, row in zip(records, rows, strict=True):
            facts[r["external_id"]] = InvoiceFacts(
                row.id, row.values[2], r["currency"], r["issue_date"], r["total"], r["external_id"] in facts
            )
        return facts

    def settling(self, facts: dict[str, InvoiceFacts]) -> None:
        """Payments, credit notes and write-offs: references, dates, currencies and what stays open."""
        new_settled: dict[str, int] = defaultdict(int)
        # Who settles each invoice in this batch, to name them when it would be over-settled.
        settlers: dict[str, list[tuple[str, Record, str]]] = defaultdict(list)
        replaced: dict[int, int] = defaultdict(int)
        for record_type, list_field in SETTLING.items():
            records = self.unique_records(record_type)
            if record_type == "creditNotes":
                self.unique_column(record_type, records, "number", "number", "duplicate_number")
            children = self.stored.children.get(record_type, {})
            date_field = "date" if record_type == "creditNotes" else "received_date"
            rows = []
            for r in records:
                customer_id = self.customer(record_type, r)
                stored_row = self.stored.of(record_type).get(r["external_id"])
                if stored_row is not None:
                    for invoice_id, amount, _ in children.get(stored_row["id"], []):
                        replaced[invoice_id] += amount
                items = []
                for invoice_ref, amount, day, position in r["settlements"]:
                    where = f"{list_field}[{position}]"
                    invoice = facts.get(invoice_ref)
                    if invoice is None:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.invoice",
                            "unknown_invoice",
                            f"no invoice with externalId {invoice_ref!r}",
                        )
                        continue
                    self.check_against_invoice(record_type, r, where, invoice, customer_id, r["currency"])
                    if invoice.issue_date and day < invoice.issue_date:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.date",
                            "date_before_issue",
                            f"dated {day}, before the invoice was issued ({invoice.issue_date})",
                        )
                    if r[date_field] and day < r[date_field]:
                        self.problem(
                            record_type,
                            r,
                            f"{where}.date",
                            "date_before_document",
                            f"dated {day}, before the {record_type[:-1]} itself ({r[date_field]})",
                        )
                    new_settled[invoice_ref] += amount
                    settlers[invoice_ref].append((record_type, r, f"{where}.amount"))
                    items.append((invoice.id, amount, day))
                if r["amount"] is not None and sum(i[1] for i in items) > r["amount"]:
                    self.problem(
                        record_type,
                        r,
                        list_field,
                        "over_allocated",
                        f"{list_field} add up to more than the amount",
                    )
                values = tuple(
                    r[c] if c != "customer_id" else customer_id for c in TABLES[record_type].columns
                )
                rows.append(
                    Row(
                        r["external_id"],
                        self.id_of(record_type, r["external_id"]),
                        values,
                        items,
                    )
                )
            self.resolved.rows[record_type] = rows
        rows = []
        for r in self.unique_records("writeOffs"):
            stored_row = self.stored.of("writeOffs").get(r["external_id"])
            if stored_row is not None:
                replaced[stored_row["invoice_id"]] += stored_row["amount"]
            invoice = facts.get(r["invoice_ref"]) if r["invoice_ref"] else None
            if invoice is None:
                if r["invoice_ref"]:
                    self.problem(
                        "writeOffs",
                        r,
                        "invoice",
                        "unknown_invoice",
                        f"no invoice with externalId {r['invoice_ref']!r}",
                    )
                continue
            if r["date"] and invoice.issue_date and r["date"] < invoice.issue_date:
                self.problem(
                    "writeOffs",
                    r,
                    "date",
                    "date_before_issue",
                    f"dated {r['date']}, before the invoice was issued ({invoice.issue_date})",
                )
            amount = None
            if r["amount_decimal"] is not None and invoice.currency:
                amount = minor_units(r["amount_decimal"], invoice.currency)
                if amount is None:
                    self.problem(
                        "writeOffs",
                        r,
                        "amount",
                        "invalid_decimal",
                        f"amount has more decimals than {invoice.currency} allows "
                        f"({exponent(invoice.currency)})",
                    )
            if amount is None:
                continue
            new_settled[r["invoice_ref"]] += amount
            settlers[r["invoice_ref"]].append(("writeOffs", r, "amount"))
            values = (r["external_id"], invoice.id, r["date"], amount, r["reason"])
            rows.append(Row(r["external_id"], self.id_of("writeOffs", r["external_id"]), values, None))
        self.resolved.rows["writeOffs"] = rows
        self.open_amounts(facts, new_settled, settlers, replaced)

    def check_against_invoice(
        self,
        record_type: str,
        r: Record,
        where: str,
        invoice: InvoiceFacts,
        customer_id: int | None,
        currency: str | None,
    ) -> None:
        if customer_id is not None and invoice.customer_id is not None and invoice.customer_id != customer_id:
            self.problem(
                record_type,
                r,
                f"{where}.invoice" if where else "invoice",
                "other_customer_invoice",
                "the invoice belongs to another customer",
            )
        if currency and invoice.currency and currency != invoice.currency:
            self.problem(
                record_type,
                r,
                f"{where}.invoice" if where else "invoice",
                "currency_mismatch",
                f"the invoice is in {invoice.currency}, this is in {currency}",
            )

    def open_amounts(
        self,
        facts: dict[str, InvoiceFacts],
        new_settled: dict[str, int],
        settlers: dict[str, list[tuple[str, Record, str]]],
        replaced: dict[int, int],
    ) -> None:
        """No invoice may end up with more paid, credited and written off than its total."""
        in_batch = self.first.get("invoices", {})
        for ext in set(new_settled) | set(in_batch):
            invoice = facts[ext]
            kept = (
                self.stored.settled.get(invoice.id, 0) - replaced.get(invoice.id, 0) if invoice.stored else 0
            )
            record = in_batch.get(ext)
            if record is not None and invoice.stored and kept:
                before = self.stored.of("invoices").get(ext)
                if before and (before["customer_id"], before["currency"]) != (
                    invoice.customer_id,
                    invoice.currency,
                ):
                    self.problem(
                        "invoices",
                        record,
                        "customer",
                        "settled_invoice_changed",
                        "an invoice with payments, credits or write-offs cannot change customer or currency",
                    )
            if kept + new_settled.get(ext, 0) <= invoice.total:
                continue
            if record is not None and kept > invoice.total:
                self.problem(
                    "invoices",
                    record,
                    "total",
                    "total_below_settled",
                    f"the total would be below the {_money(kept, invoice)} already paid, credited or written off",
                )
                continue
            for record_type, settler, where in settlers.get(ext, []):
                self.problem(
                    record_type,
                    settler,
                    where,
                    "amount_over_open",
                    f"invoice {ext!r} has {_money(invoice.total - kept, invoice)} open, "
                    f"the batch settles {_money(new_settled[ext], invoice)}",
                )

    def others(self, facts: dict[str, InvoiceFacts]) -> None:
        for record_type in ("disputes", "lettersOfCredit", "intercompanyBalances"):
            rows = []
            for r in self.unique_records(record_type):
                customer_id = self.customer(record_type, r)
                invoice_id = None
                if r.get("invoice_ref"):
                    invoice = facts.get(r["invoice_ref"])
                    if invoice is None:
                        self.problem(
                            record_type,
                            r,
                            "invoice",
                            "unknown_invoice",
                            f"no invoice with externalId {r['invoice_ref']!r}",
                        )
                    else:
                        invoice_id = invoice.id
                        self.check_against_invoice(record_type, r, "", invoice, customer_id, r["currency"])
                resolved = {"customer_id": customer_id, "invoice_id": invoice_id}
                values = tuple(resolved[c] if c in resolved else r[c] for c in TABLES[record_type].columns)
                rows.append(Row(r["external_id"], self.id_of(record_type, r["external_id"]), values, None))
            self.resolved.rows[record_type] = rows


def _money(minor: int, invoice: InvoiceFacts) -> str:
    return (
        f"{format_decimal_string(minor, invoice.currency)} {invoice.currency}"
        if invoice.currency
        else str(minor)
    )


def resolve(
    parsed: Parsed, stored: Stored, new_ids: dict[str, dict[Any, int]]
) -> tuple[Resolved, list[Problem]]:
    """Resolve references to ids and check every cross-record rule; returns rows and all problems."""
    checker = _Checker(parsed, stored, new_ids)
    checker.fx_rates()
    checker.customers()
    facts = checker.invoices()
    checker.settling(facts)
    checker.others(facts)
    return checker.resolved, checker.problems
