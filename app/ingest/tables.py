"""Which model each record type writes, its key, and the columns an import compares and writes.

The same column lists drive the stored-row loads, the change detection (a record is unchanged when these
columns and its nested rows are equal) and the bulk writes, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.models import Model

from app.models import (
    Contact,
    ContactAccess,
    CreditApplication,
    CreditNote,
    CustomerAccount,
    Dispute,
    FxRate,
    IntercompanyBalance,
    Invoice,
    InvoiceLine,
    LetterOfCredit,
    Payment,
    PaymentAllocation,
    WriteOff,
)


def is_timestamped(model: type[Model]) -> bool:
    """Rows that carry created_at/updated_at, which raw bulk writes must fill themselves."""
    return "updated_at" in model._meta.fields_map


def nested_sort_key(row: tuple) -> list[str]:
    """One order for nested rows from the batch and from the database, so equal sets compare equal."""
    return [str(value) for value in row]


@dataclass(frozen=True)
class _Target:
    """A table the import writes."""

    model: type[Model]
    #: Columns compared and written (besides ``id``, ``tenant_id`` and timestamps).
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def timestamped(self) -> bool:
        return is_timestamped(self.model)


@dataclass(frozen=True)
class Table(_Target):
    #: The natural key an import matches rows on.
    key: tuple[str, ...] = ("external_id",)


@dataclass(frozen=True)
class Children(_Target):
    """Rows owned by a parent record and replaced as a set when they change (invoice lines...)."""

    parent_column: str = ""


TABLES: dict[str, Table] = {
    "fxRates": Table(FxRate, ("currency", "date", "rate"), key=("currency", "date")),
    "customers": Table(
        CustomerAccount,
        (
            "external_id",
            "account_number",
            "legal_name",
            "region",
            "country",
            "segment",
            "currency",
            "payment_terms_days",
            "credit_limit",
            "risk_rating",
            "parent_id",
            "sales_owner",
            "kyc_status",
            "kyc_next_review",
        ),
    ),
    "invoices": Table(
        Invoice,
        (
            "external_id",
            "number",
            "customer_id",
            "issue_date",
            "due_date",
            "currency",
            "po_number",
            "status",
            "subtotal",
            "tax",
            "total",
        ),
    ),
    "creditNotes": Table(
        CreditNote, ("external_id", "number", "customer_id", "date", "currency", "amount", "reason")
    ),
    "payments": Table(
        Payment,
        ("external_id", "customer_id", "received_date", "currency", "amount", "method", "reference"),
    ),
    "writeOffs": Table(WriteOff, ("external_id", "invoice_id", "date", "amount", "reason")),
    "disputes": Table(
        Dispute,
        (
            "external_id",
            "customer_id",
            "invoice_id",
            "kind",
            "amount",
            "currency",
            "reason_code",
            "description",
            "status",
            "opened_on",
        ),
    ),
    "lettersOfCredit": Table(
        LetterOfCredit,
        (
            "external_id",
            "customer_id",
            "kind",
            "reference",
            "issuing_bank",
            "amount",
            "currency",
            "issue_date",
            "expiry_date",
            "status",
        ),
    ),
    "intercompanyBalances": Table(
        IntercompanyBalance,
        ("external_id", "customer_id", "counterparty_entity", "direction", "amount", "currency", "as_of"),
    ),
}

CONTACTS = Table(Contact, ("email", "name"), key=("email",))

CHILDREN: dict[str, Children] = {
    "customers": Children(ContactAccess, ("contact_id", "role"), parent_column="customer_id"),
    "invoices": Children(
        InvoiceLine,
        ("position", "description", "quantity", "unit_price", "amount", "tax", "cost"),
        parent_column="invoice_id",
    ),
    "creditNotes": Children(
        CreditApplication, ("invoice_id", "amount", "date"), parent_column="credit_note_id"
    ),
    "payments": Children(PaymentAllocation, ("invoice_id", "amount", "date"), parent_column="payment_id"),
}
