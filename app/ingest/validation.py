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

from typing import Any

from app.ingest.problems import Problem
from app.ingest.records import Parsed, Record
from app.ingest.resolved import (
    InvoiceFacts,
    Resolved,
    Row,
    Stored,
    record_key,
    referenced_customers,
    referenced_invoices,
)
from app.ingest.settling import SettlementRules
from app.ingest.tables import TABLES

__all__ = ["Resolved", "Stored", "record_key", "referenced_customers", "referenced_invoices", "resolve"]


class _Checker(SettlementRules):
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
