"""The batch contract: record types, their fields, and reading a batch from JSON or CSV files.

A batch is a JSON object with one array per record type (camelCase field names, money as decimal strings,
dates ISO). CSV carries the same batch as one file per record type, named after it (``invoices.csv``), and
the nested lists as their own files that point at their parent by external id (``invoice_lines.csv`` with
an ``invoice`` column). ``docs/ingest.md`` describes the layout for people; this module is its code.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.errors import ValidationFailed
from app.ingest.problems import Problem

Batch = dict[str, list[dict[str, Any]]]

# Record types in the order they are written (references point backwards in this list).
RECORD_TYPES: tuple[str, ...] = (
    "fxRates",
    "customers",
    "invoices",
    "creditNotes",
    "payments",
    "writeOffs",
    "disputes",
    "lettersOfCredit",
    "intercompanyBalances",
)

FIELDS: dict[str, tuple[str, ...]] = {
    "fxRates": ("currency", "date", "rate"),
    "customers": (
        "externalId",
        "accountNumber",
        "name",
        "region",
        "country",
        "segment",
        "currency",
        "paymentTermsDays",
        "creditLimit",
        "riskRating",
        "parent",
        "salesOwner",
        "kycStatus",
        "kycNextReview",
        "onboardingStatus",
        "contacts",
    ),
    "invoices": (
        "externalId",
        "number",
        "customer",
        "issueDate",
        "dueDate",
        "currency",
        "poNumber",
        "status",
        "lines",
        "total",
    ),
    "creditNotes": (
        "externalId",
        "number",
        "customer",
        "date",
        "currency",
        "amount",
        "reason",
        "appliesTo",
    ),
    "payments": (
        "externalId",
        "customer",
        "receivedDate",
        "currency",
        "amount",
        "method",
        "reference",
        "allocations",
    ),
    "writeOffs": ("externalId", "invoice", "date", "amount", "reason"),
    "disputes": (
        "externalId",
        "customer",
        "invoice",
        "kind",
        "amount",
        "currency",
        "reasonCode",
        "description",
        "status",
        "openedOn",
    ),
    "lettersOfCredit": (
        "externalId",
        "customer",
        "kind",
        "reference",
        "issuingBank",
        "amount",
        "currency",
        "issueDate",
        "expiryDate",
        "status",
    ),
    "intercompanyBalances": (
        "externalId",
        "customer",
        "counterpartyEntity",
        "direction",
        "amount",
        "currency",
        "asOf",
    ),
}

# Nested lists: (record type, list field) -> fields of one item.
NESTED: dict[tuple[str, str], tuple[str, ...]] = {
    ("customers", "contacts"): ("email", "name", "role"),
    ("invoices", "lines"): ("description", "quantity", "unitPrice", "taxAmount", "cost"),
    ("creditNotes", "appliesTo"): ("invoice", "amount", "date"),
    ("payments", "allocations"): ("invoice", "amount", "date"),
}

# CSV file stem of each record type and nested list, and the column naming the parent of a nested row.
CSV_FILES: dict[str, str] = {
    "fxRates": "fx_rates",
    "customers": "customers",
    "invoices": "invoices",
    "creditNotes": "credit_notes",
    "payments": "payments",
    "writeOffs": "write_offs",
    "disputes": "disputes",
    "lettersOfCredit": "letters_of_credit",
    "intercompanyBalances": "intercompany_balances",
}
CSV_NESTED_FILES: dict[tuple[str, str], tuple[str, str]] = {
    ("customers", "contacts"): ("customer_contacts", "customer"),
    ("invoices", "lines"): ("invoice_lines", "invoice"),
    ("creditNotes", "appliesTo"): ("credit_note_applications", "creditNote"),
    ("payments", "allocations"): ("payment_allocations", "payment"),
}

# Where a record came from, for problems: ``"invoices.csv:12"``. Not a field of the contract.
SOURCE_KEY = "_source"


def empty_batch() -> Batch:
    return {record_type: [] for record_type in RECORD_TYPES}


def batch_size(batch: Batch) -> int:
    return sum(len(batch.get(t) or []) for t in RECORD_TYPES)


def read_files(paths: Iterable[Path]) -> Batch:
    """One batch from JSON documents and/or CSV files; raises ``ValidationFailed`` on unreadable input."""
    batch = empty_batch()
    problems: list[Problem] = []
    csv_paths: list[Path] = []
    for path in paths:
        if path.suffix.lower() == ".csv":
            csv_paths.append(path)
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem("file", None, None, "invalid_json", f"{path.name}: {exc}", path.name))
            continue
        merge_document(batch, document, problems, path.name)
    if csv_paths:
        _read_csv_files(batch, csv_paths, problems)
    if problems:
        raise ValidationFailed("the batch could not be read", problems=problems)
    return batch


def merge_document(batch: Batch, document: Any, problems: list[Problem], name: str = "batch") -> None:
    """Add a JSON document's arrays to ``batch``, refusing unknown record types instead of ignoring them."""
    if not isinstance(document, dict):
        problems.append(Problem("file", None, None, "invalid_batch", f"{name}: expected a JSON object"))
        return
    for key, records in document.items():
        if key not in FIELDS:
            known = ", ".join(RECORD_TYPES)
            problems.append(
                Problem(
                    key, None, None, "unknown_record_type", f"{name}: unknown record type (known: {known})"
                )
            )
        elif not isinstance(records, list):
            problems.append(Problem(key, None, None, "invalid_batch", f"{name}: {key} must be an array"))
        else:
            batch[key].extend(records)


def _csv_rows(path: Path, problems: list[Problem]) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, row) with empty cells left out, so an empty cell means 'not given'."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, {k: v for k, v in row.items() if k is not None and v not in ("", None)}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem("file", None, None, "invalid_csv", f"{path.name}: {exc}"))


def _read_csv_files(batch: Batch, paths: list[Path], problems: list[Problem]) -> None:
    by_stem = {p.stem.lower(): p for p in paths}
    type_of = {stem: record_type for record_type, stem in CSV_FILES.items()}
    nested_of = {stem: (key, parent_col) for key, (stem, parent_col) in CSV_NESTED_FILES.items()}
    for stem, path in by_stem.items():
        if stem not in type_of and stem not in nested_of:
            known = ", ".join(sorted([*type_of, *nested_of]))
            problems.append(
                Problem(
                    "file",
                    None,
                    None,
                    "unknown_record_type",
                    f"{path.name}: unknown CSV file (known: {known})",
                )
            )
    # Parents first, so nested rows can find them by external id.
    parents: dict[str, dict[str, dict[str, Any]]] = {}
    for record_type in RECORD_TYPES:
        path = by_stem.get(CSV_FILES[record_type])
        if path is None:
            continue
        index = parents.setdefault(record_type, {})
        for line, row in _csv_rows(path, problems):
            row[SOURCE_KEY] = f"{path.name}:{line}"
            batch[record_type].append(row)
            if "externalId" in row:
                index.setdefault(row["externalId"], row)
    for (record_type, list_field), (stem, parent_col) in CSV_NESTED_FILES.items():
        path = by_stem.get(stem)
        if path is None:
            continue
        index = parents.get(record_type, {})
        for line, row in _csv_rows(path, problems):
            parent = index.get(row.pop(parent_col, None))
            if parent is None:
                problems.append(
                    Problem(
                        record_type,
                        None,
                        parent_col,
                        "unknown_parent",
                        f"{path.name}:{line}: {parent_col} is not in {CSV_FILES[record_type]}.csv",
                        f"{path.name}:{line}",
                    )
                )
                continue
            parent.setdefault(list_field, []).append(row)


def write_json(batch: Batch, path: Path) -> None:
    path.write_text(json.dumps(batch, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(batch: Batch, directory: Path) -> list[Path]:
    """The batch as CSV files, one per non-empty record type and nested list."""
    written: list[Path] = []
    for record_type in RECORD_TYPES:
        records = batch.get(record_type) or []
        if not records:
            continue
        scalar = [f for f in FIELDS[record_type] if (record_type, f) not in NESTED]
        path = directory / f"{CSV_FILES[record_type]}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=scalar, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        written.append(path)
        for (parent_type, list_field), (stem, parent_col) in CSV_NESTED_FILES.items():
            if parent_type != record_type or not any(r.get(list_field) for r in records):
                continue
            path = directory / f"{stem}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                columns = [parent_col, *NESTED[(record_type, list_field)]]
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                for record in records:
                    for item in record.get(list_field) or []:
                        writer.writerow({parent_col: record["externalId"], **item})
            written.append(path)
    return written
