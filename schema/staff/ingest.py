"""``importBatch``: the ERP ingest batch (the JSON contract of docs/ingest.md) as a staff mutation.

The input mirrors the JSON batch field for field (money as decimal strings, dates as ISO strings) so a
client can send what its ERP export holds; every problem comes back as a ``userError`` whose ``field`` is
``[recordType, index, field]``, and nothing is written unless the whole batch is valid.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry.types import Info

from app.errors import ValidationFailed
from app.ingest.service import import_batch
from schema.errors import UserError, user_errors_from
from schema.permissions import requires


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(value: Any) -> Any:
    """Strawberry input objects -> the JSON batch shape (camelCase keys, unset fields left out)."""
    if dataclasses.is_dataclass(value):
        return {
            _camel(f.name): _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@strawberry.input
class FxRateInput:
    currency: str
    date: str
    rate: str


@strawberry.input
class ContactInput:
    email: str
    name: str | None = None
    role: str | None = None


@strawberry.input
class CustomerInput:
    external_id: str
    account_number: str | None = None
    name: str | None = None
    region: str | None = None
    country: str | None = None
    segment: str | None = None
    currency: str | None = None
    payment_terms_days: int | None = None
    credit_limit: str | None = None
    risk_rating: str | None = None
    parent: str | None = None
    sales_owner: str | None = None
    kyc_status: str | None = None
    kyc_next_review: str | None = None
    contacts: list[ContactInput] | None = None


@strawberry.input
class InvoiceLineInput:
    description: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    tax_amount: str | None = None
    cost: str | None = None


@strawberry.input
class InvoiceInput:
    external_id: str
    number: str | None = None
    customer: str | None = None
    issue_date: str | None = None
    due_date: str | None = None
    currency: str | None = None
    po_number: str | None = None
    status: str | None = None
    lines: list[InvoiceLineInput] | None = None
    total: str | None = None


@strawberry.input(description="A payment allocation or credit application to one invoice.")
class SettlementInput:
    invoice: str
    amount: str
    date: str | None = None


@strawberry.input
class CreditNoteInput:
    external_id: str
    number: str | None = None
    customer: str | None = None
    date: str | None = None
    currency: str | None = None
    amount: str | None = None
    reason: str | None = None
    applies_to: list[SettlementInput] | None = None


@strawberry.input
class PaymentInput:
    external_id: str
    customer: str | None = None
    received_date: str | None = None
    currency: str | None = None
    amount: str | None = None
    method: str | None = None
    reference: str | None = None
    allocations: list[SettlementInput] | None = None


@strawberry.input
class WriteOffInput:
    external_id: str
    invoice: str | None = None
    date: str | None = None
    amount: str | None = None
    reason: str | None = None


@strawberry.input
class DisputeInput:
    external_id: str
    customer: str | None = None
    invoice: str | None = None
    kind: str | None = None
    amount: str | None = None
    currency: str | None = None
    reason_code: str | None = None
    description: str | None = None
    status: str | None = None
    opened_on: str | None = None


@strawberry.input
class LetterOfCreditInput:
    external_id: str
    customer: str | None = None
    kind: str | None = None
    reference: str | None = None
    issuing_bank: str | None = None
    amount: str | None = None
    currency: str | None = None
    issue_date: str | None = None
    expiry_date: str | None = None
    status: str | None = None


@strawberry.input
class IntercompanyBalanceInput:
    external_id: str
    customer: str | None = None
    counterparty_entity: str | None = None
    direction: str | None = None
    amount: str | None = None
    currency: str | None = None
    as_of: str | None = None


@strawberry.input(description="One ERP batch; the same shape as the JSON import file.")
class ImportBatchInput:
    fx_rates: list[FxRateInput] | None = None
    customers: list[CustomerInput] | None = None
    invoices: list[InvoiceInput] | None = None
    credit_notes: list[CreditNoteInput] | None = None
    payments: list[PaymentInput] | None = None
    write_offs: list[WriteOffInput] | None = None
    disputes: list[DisputeInput] | None = None
    letters_of_credit: list[LetterOfCreditInput] | None = None
    intercompany_balances: list[IntercompanyBalanceInput] | None = None


@strawberry.type(description="What an import did to one record type.")
class ImportCount:
    record_type: str
    created: int
    updated: int
    unchanged: int


@strawberry.type
class ImportBatchPayload:
    counts: list[ImportCount]
    user_errors: list[UserError]


@strawberry.type
class IngestMutation:
    @strawberry.mutation(
        extensions=requires("ingest.write"),
        description="Validate and import one batch in a single transaction; nothing is written on any error.",
    )
    async def import_batch(self, info: Info, input: ImportBatchInput) -> ImportBatchPayload:
        try:
            result = await import_batch(info.context.scope, _plain(input))
        except ValidationFailed as exc:
            return ImportBatchPayload(counts=[], user_errors=user_errors_from(exc))
        return ImportBatchPayload(
            counts=[
                ImportCount(record_type=t, created=c.created, updated=c.updated, unchanged=c.unchanged)
                for t, c in result.counts.items()
            ],
            user_errors=[],
        )
