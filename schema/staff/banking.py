"""Cash application for staff: ``importBankStatement``, the ``bankExceptions`` queue with its ranked
suggestions, ``applyBankLine`` and ``ignoreBankLine``, all over ``app.banking.service``."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from app.banking import service
from app.errors import LedgerportError, ValidationFailed
from app.inputs.text import check_text
from app.models import BankLine
from app.models.enums import BankLineStatus
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, user_errors_from
from schema.permissions import requires

BankLineStatusEnum = strawberry.enum(BankLineStatus, name="BankLineStatus")
#: Characters of file content accepted through GraphQL (the request body limit applies first).
MAX_CONTENT = 5 * 1024 * 1024


@strawberry.enum(description="Bank file formats; leave out to detect from the content.")
class BankFileFormat(Enum):
    CAMT = "camt"
    MT940 = "mt940"
    CSV = "csv"


@strawberry.type(description="Part of a suggested application to one invoice.")
class BankSuggestedAllocation:
    invoice_id: strawberry.ID
    invoice_number: str
    amount: Money


@strawberry.type(description="A candidate customer and allocation for a bank line, with its score and why.")
class BankSuggestion:
    customer_id: strawberry.ID
    customer_name: str
    allocations: list[BankSuggestedAllocation]
    unapplied: Money
    score: int = strawberry.field(description="0-100; at or above the tenant's threshold it posts alone.")
    reasons: list[str]


@strawberry.type(description="One transaction of an imported bank statement and what became of it.")
class BankLineNode:
    id: strawberry.ID
    reference: str
    booking_date: date
    value_date: date | None
    amount: Money
    payer_name: str
    payer_account: str
    remittance: str
    status: BankLineStatusEnum
    score: int
    note: str
    customer_id: strawberry.ID | None
    payment_id: strawberry.ID | None
    suggestions: list[BankSuggestion] = strawberry.field(description="Ranked, best first.")


def _suggestion(raw: dict, currency: str) -> BankSuggestion:
    return BankSuggestion(
        customer_id=strawberry.ID(encode_id("Customer", raw["customerId"])),
        customer_name=raw["customerName"],
        allocations=[
            BankSuggestedAllocation(
                invoice_id=strawberry.ID(encode_id("Invoice", a["invoiceId"])),
                invoice_number=a["number"],
                amount=Money.of(a["amount"], currency),
            )
            for a in raw["allocations"]
        ],
        unapplied=Money.of(raw["unapplied"], currency),
        score=raw["score"],
        reasons=list(raw["reasons"]),
    )


def bank_line_node(row: BankLine) -> BankLineNode:
    return BankLineNode(
        id=strawberry.ID(encode_id("BankLine", row.id)),
        reference=row.reference,
        booking_date=row.booking_date,
        value_date=row.value_date,
        amount=Money.of(row.amount, row.currency),
        payer_name=row.payer_name,
        payer_account=row.payer_account,
        remittance=row.remittance,
        status=BankLineStatusEnum(row.status),
        score=row.score,
        note=row.note,
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)) if row.customer_id else None,
        payment_id=strawberry.ID(encode_id("Payment", row.payment_id)) if row.payment_id else None,
        suggestions=[_suggestion(s, row.currency) for s in row.suggestions or []],
    )


@strawberry.input
class ImportBankStatementInput:
    content: str = strawberry.field(
        description="The file's text: camt.053/054 XML, MT940 or the documented CSV."
    )
    filename: str = ""
    format: BankFileFormat | None = None


@strawberry.type(description="What an import did: lines already known are duplicates and change nothing.")
class BankImportSummary:
    format: str
    lines: int
    duplicates: int
    debits: int
    posted: int
    exceptions: int


@strawberry.type
class ImportBankStatementPayload:
    summary: BankImportSummary | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ApplyBankLineInput:
    line_id: strawberry.ID
    invoice_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Paid in this order; what is left is unapplied cash."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Needed without invoices: then the customer's open invoices, oldest first."
    )


@strawberry.input
class IgnoreBankLineInput:
    line_id: strawberry.ID
    reason: str


@strawberry.type
class BankLinePayload:
    line: BankLineNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AddCustomerBankAccountInput:
    customer_id: strawberry.ID
    account: str = strawberry.field(
        description="An IBAN or account number the customer pays from; spaces allowed."
    )


@strawberry.type
class AddCustomerBankAccountPayload:
    added: bool = strawberry.field(default=False, description="False when it was already on file.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BankingQuery:
    @strawberry.field(
        extensions=requires("cash.apply"),
        description="Bank credit lines no rule could post, oldest first, with ranked suggestions.",
    )
    async def bank_exceptions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BankLineNode]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        rows, total = await service.list_exceptions(ctx.scope, page.offset, page.limit)
        return connection_of(rows, page, total, bank_line_node)


@strawberry.type
class BankingMutation:
    @strawberry.mutation(
        extensions=requires("cash.apply"),
        description="Import a bank statement; lines matched above the tenant's threshold post at once.",
    )
    async def import_bank_statement(
        self, info: Info, input: ImportBankStatementInput
    ) -> ImportBankStatementPayload:
        ctx = info.context
        try:
            if len(input.content) > MAX_CONTENT:
                raise ValidationFailed("the file is too large", code="too_long", field="content")
            filename = check_text(input.filename, "filename", 255)
            result = await service.import_statement(
                ctx.scope,
                input.content.encode("utf-8"),
                ctx.tenant_config.banking,
                filename=filename,
                format=input.format.value if input.format else None,
            )
        except LedgerportError as exc:
            return ImportBankStatementPayload(user_errors=user_errors_from(exc))
        return ImportBankStatementPayload(
            summary=BankImportSummary(
                format=result.format,
                lines=result.lines,
                duplicates=result.duplicates,
                debits=result.debits,
                posted=result.posted,
                exceptions=result.exceptions,
            )
        )

    @strawberry.mutation(
        extensions=requires("cash.apply"), description="Post a queued bank line to the invoices chosen."
    )
    async def apply_bank_line(self, info: Info, input: ApplyBankLineInput) -> BankLinePayload:
        ctx = info.context
        try:
            line = await service.apply_line(
                ctx.scope,
                decode_id("BankLine", input.line_id),
                [decode_id("Invoice", i) for i in input.invoice_ids],
                decode_id("Customer", input.customer_id) if input.customer_id else None,
            )
        except LedgerportError as exc:
            return BankLinePayload(user_errors=user_errors_from(exc))
        return BankLinePayload(line=bank_line_node(line))

    @strawberry.mutation(
        extensions=requires("cash.apply"), description="Set a queued bank line aside: not a customer payment."
    )
    async def ignore_bank_line(self, info: Info, input: IgnoreBankLineInput) -> BankLinePayload:
        ctx = info.context
        try:
            reason = check_text(input.reason, "reason", 500)
            line = await service.ignore_line(ctx.scope, decode_id("BankLine", input.line_id), reason)
        except LedgerportError as exc:
            return BankLinePayload(user_errors=user_errors_from(exc))
        return BankLinePayload(line=bank_line_node(line))

    @strawberry.mutation(
        extensions=requires("cash.apply"),
        description="Put an account on file as one a customer pays from: its bank lines are then recognised.",
    )
    async def add_customer_bank_account(
        self, info: Info, input: AddCustomerBankAccountInput
    ) -> AddCustomerBankAccountPayload:
        ctx = info.context
        try:
            account = check_text(input.account, "account", 50)
            added = await service.add_bank_account(
                ctx.scope, decode_id("Customer", input.customer_id), account
            )
        except LedgerportError as exc:
            return AddCustomerBankAccountPayload(user_errors=user_errors_from(exc))
        return AddCustomerBankAccountPayload(added=added)
