"""Cash application: import a bank file, match its credit lines, post or queue them; the queue's actions.

Posting goes through ``app.payments.service.apply_payment`` (the allocation and settlement code every
payment uses) with the external id ``bank:<reference>``; the payment service records an external id once
and bank lines are unique per reference, so a line is never posted twice: not by a second import of the
same file, nor by an interim camt.054 and the day's camt.053, nor by two people applying one line at once.

A file is parsed completely before anything is written; a malformed one raises ``BankFileError`` and
changes no row. Its lines are stored in one transaction; each credit line is then matched and posted in
its own payment transaction, so a failure on one line (a missing FX rate) queues that line and the rest
post. Lines a crash left unmatched (status ``new``) are finished by the next import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from app.auth.permissions import require
from app.banking import formats, repository
from app.banking.matching import Book, Candidate, InvoiceInfo, LineFacts, candidates, decide
from app.banking.statement import ParsedStatement, normal_account
from app.errors import Conflict, LedgerportError, NotFound, ValidationFailed
from app.models import BankLine, Payment
from app.models.enums import BankLineStatus, PaymentMethod
from app.payments import service as payments
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentRequest
from app.scope import Scope
from app.tenancy.config import BankingConfig

PERMISSION = "cash.apply"
POSTED = (BankLineStatus.POSTED, BankLineStatus.APPLIED)


@dataclass
class ImportResult:
    format: str
    statement_id: int | None
    lines: int = 0
    duplicates: int = 0
    debits: int = 0
    posted: int = 0
    exceptions: int = 0
    line_ids: list[int] = field(default_factory=list)


async def import_statement(
    scope: Scope, content: bytes, config: BankingConfig, *, filename: str = "", format: str | None = None
) -> ImportResult:
    """Store the file's new lines and apply them; a line already imported (by reference) is skipped."""
    require(scope, PERMISSION)
    parsed = formats.parse(content, format)
    try:
        result = await _store(scope, parsed, content, filename)
    except IntegrityError:
        # The same lines stored by a concurrent import of this file: nothing of this one was written.
        raise Conflict(
            "these lines are being imported right now; import the file again", code="import_in_progress"
        ) from None
    await apply_pending(scope, config)
    if result.statement_id is not None:
        rows = await repository.lines_of_statement(scope, result.statement_id)
        result.line_ids = [r.id for r in rows]
        result.debits = sum(r.status == BankLineStatus.DEBIT for r in rows)
        result.posted = sum(r.status == BankLineStatus.POSTED for r in rows)
        result.exceptions = sum(r.status == BankLineStatus.EXCEPTION for r in rows)
    return result


async def _store(scope: Scope, parsed: ParsedStatement, content: bytes, filename: str) -> ImportResult:
    """The file's lines not stored before (by reference), in one transaction."""
    async with repository.storing():
        known = await repository.known_references(scope, [line.reference for line in parsed.lines])
        new = [line for line in parsed.lines if line.reference not in known]
        result = ImportResult(format=parsed.format, statement_id=None, lines=len(parsed.lines))
        result.duplicates = len(parsed.lines) - len(new)
        if new:
            statement = await repository.insert_statement(
                scope,
                format=parsed.format,
                filename=filename[:255],
                statement_ref=parsed.statement_ref[:100],
                account=parsed.account,
                sha256=hashlib.sha256(content).hexdigest(),
                imported_by=scope.principal[:254],
            )
            await repository.insert_lines(scope, statement.id, new)
            result.statement_id = statement.id
    return result


async def _book(scope: Scope, currencies: list[str]) -> Book:
    return Book(
        await repository.customers(scope),
        await repository.open_invoices(scope, currencies),
        await repository.payer_accounts(scope),
    )


def _facts(line: BankLine) -> LineFacts:
    return LineFacts(line.amount, line.currency, line.payer_name, line.payer_account, line.remittance)


async def apply_pending(scope: Scope, config: BankingConfig) -> None:
    """Match every unmatched credit line; post what scores above the threshold, queue the rest."""
    pending = await repository.pending_lines(scope)
    if not pending:
        return
    book = await _book(scope, sorted({line.currency for line in pending}))
    # A line whose payment committed before a crash kept it from being marked: finish it, never re-match.
    done = await repository.payments_by_external_id(scope, [_external_id(line) for line in pending])
    for line in pending:
        if (payment := done.get(_external_id(line))) is not None:
            line.status, line.customer_id, line.payment_id = (
                BankLineStatus.POSTED,
                payment.customer_id,
                payment.id,
            )
            line.decided_by = line.decided_by or "auto"
            await repository.save_line(line)
            continue
        ranked = candidates(book, _facts(line))
        line.suggestions = [c.as_json() for c in ranked]
        line.score = ranked[0].score if ranked else 0
        choice = decide(ranked, config.auto_post_threshold, config.auto_post_margin)
        if choice is None:
            line.status = BankLineStatus.EXCEPTION
            await repository.save_line(line)
            continue
        try:
            payment = await _post(scope, line, choice.customer_id, choice.invoice_ids)
        except LedgerportError as exc:
            line.status = BankLineStatus.EXCEPTION
            line.note = f"could not post: {exc.message}"[:500]
            await repository.save_line(line)
            continue
        line.status, line.customer_id, line.payment_id = BankLineStatus.POSTED, choice.customer_id, payment.id
        line.decided_by = "auto"
        await repository.save_line(line)
        _consume(book, choice)


def _consume(book: Book, choice: Candidate) -> None:
    """Lower the open amounts the book holds by what was just posted, for the file's later lines."""
    paid = {invoice_id: amount for invoice_id, _, amount in choice.allocations}
    for customer_id, invoices in book.invoices_of.items():
        book.invoices_of[customer_id] = [
            InvoiceInfo(**{**i.__dict__, "open_amount": i.open_amount - paid.get(i.id, 0)}) for i in invoices
        ]
        for invoice in book.invoices_of[customer_id]:
            book.by_number[invoice.number] = invoice
    for po, invoices in book.by_po.items():
        book.by_po[po] = [book.by_number[i.number] for i in invoices]


def _external_id(line: BankLine) -> str:
    """The payment a bank line posts as: recorded once by the payment service."""
    return f"bank:{line.reference}"


async def _post(scope: Scope, line: BankLine, customer_id: int, invoice_ids: list[int]) -> Payment:
    request = PaymentRequest(
        customer_id=customer_id,
        amount=line.amount,
        currency=line.currency,
        received_date=line.booking_date,
        method=PaymentMethod.WIRE,
        external_id=_external_id(line),
        plan=AllocationPlan.AS_SELECTED if invoice_ids else AllocationPlan.OLDEST_FIRST,
        invoice_ids=list(invoice_ids),
        reference=" ".join(line.remittance.split())[:255],
    )
    try:
        return await payments.apply_payment(scope, request)
    except IntegrityError:  # the same line posted by someone else at this moment
        raise Conflict(
            "this bank line was posted at the same time by someone else", code="already_posted"
        ) from None


async def list_exceptions(scope: Scope, offset: int, limit: int) -> tuple[list[BankLine], int]:
    """Credit lines waiting for a person, oldest first."""
    require(scope, PERMISSION)
    return await repository.page_of_exceptions(scope, offset, limit)


async def _open_line(scope: Scope, line_id: int) -> BankLine:
    line = await repository.line(scope, line_id)
    if line is None:
        raise NotFound("bank line not found", field="lineId")
    if line.status in POSTED:
        raise Conflict("this bank line is already posted", code="already_posted", field="lineId")
    if line.status == BankLineStatus.DEBIT:
        raise ValidationFailed("money out is not applied to invoices", code="not_a_credit", field="lineId")
    return line


async def apply_line(
    scope: Scope, line_id: int, invoice_ids: list[int], customer_id: int | None = None
) -> BankLine:
    """A person posts a queued line to the invoices chosen (in that order; the rest of the amount is
    unapplied cash), or with no invoices to a customer's open invoices oldest first. The payer's account
    is put on file for the customer, so its next payment is recognised."""
    require(scope, PERMISSION)
    line = await _open_line(scope, line_id)
    owners = await repository.invoice_customers(scope, invoice_ids)
    if any(i not in owners for i in invoice_ids):
        raise NotFound("invoice not found", field="invoiceIds")
    chosen = set(owners.values())
    if len(chosen) > 1:
        raise ValidationFailed(
            "the invoices belong to different customers", code="several_customers", field="invoiceIds"
        )
    if customer_id is not None and chosen and chosen != {customer_id}:
        raise ValidationFailed(
            "the invoices are not this customer's", code="customer_mismatch", field="invoiceIds"
        )
    customer_id = customer_id if customer_id is not None else next(iter(chosen), None)
    if customer_id is None:
        raise ValidationFailed("choose invoices or a customer", code="invoices_required", field="invoiceIds")
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer account not found", field="customerId")
    payment = await _post(scope, line, customer_id, invoice_ids)
    line.status, line.customer_id, line.payment_id = BankLineStatus.APPLIED, customer_id, payment.id
    line.decided_by = scope.principal[:254]
    await repository.save_line(line)
    if line.payer_account:
        await repository.add_bank_account(scope, customer_id, line.payer_account, "learned")
    return line


async def ignore_line(scope: Scope, line_id: int, reason: str) -> BankLine:
    """Set a queued line aside (not a customer payment: a refund from a supplier, interest)."""
    require(scope, PERMISSION)
    line = await _open_line(scope, line_id)
    line.status, line.note, line.decided_by = BankLineStatus.IGNORED, reason[:500], scope.principal[:254]
    await repository.save_line(line)
    return line


async def add_bank_account(scope: Scope, customer_id: int, account: str) -> bool:
    """Put an IBAN or account number on file as one the customer pays from."""
    require(scope, PERMISSION)
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer account not found", field="customerId")
    normal = normal_account(account)
    if not normal.isalnum() or len(normal) < 5:
        raise ValidationFailed("not an IBAN or account number", code="invalid_account", field="account")
    return await repository.add_bank_account(scope, customer_id, normal, "staff")
