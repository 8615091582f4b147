"""Every query of cash application; each starts from the caller's scope (app.db.scoping)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.banking.matching import CustomerInfo, InvoiceInfo
from app.banking.statement import ParsedLine
from app.db.scoping import new_row, scoped
from app.models import BankLine, BankStatement, CustomerAccount, CustomerBankAccount, Invoice, Payment
from app.models.enums import NOT_RECEIVABLE, BankLineStatus
from app.scope import Scope


def storing():
    """One transaction for a statement and its lines: a file is stored whole or not at all."""
    return in_transaction()


async def known_references(scope: Scope, references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        rows = await scoped(BankLine, scope).filter(reference__in=chunk).values_list("reference", flat=True)
        found.update(rows)
    return found


async def insert_statement(scope: Scope, **values) -> BankStatement:
    row = new_row(BankStatement, scope, **values)
    await row.save()
    return row


async def insert_lines(scope: Scope, statement_id: int, lines: list[ParsedLine]) -> None:
    rows = [
        new_row(
            BankLine,
            scope,
            statement_id=statement_id,
            reference=line.reference,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount=line.amount,
            currency=line.currency,
            payer_name=line.payer_name,
            payer_account=line.payer_account,
            remittance=line.remittance,
            status=BankLineStatus.NEW if line.amount > 0 else BankLineStatus.DEBIT,
            suggestions=[],
        )
        for line in lines
    ]
    if rows:
        await BankLine.bulk_create(rows)


async def pending_lines(scope: Scope) -> list[BankLine]:
    """Credit lines stored but not matched yet (this import's, and any a crash left behind)."""
    return await scoped(BankLine, scope).filter(status=BankLineStatus.NEW).order_by("booking_date", "id")


async def line(scope: Scope, line_id: int) -> BankLine | None:
    return await scoped(BankLine, scope).filter(id=line_id).first()


async def lines_of_statement(scope: Scope, statement_id: int) -> list[BankLine]:
    return await scoped(BankLine, scope).filter(statement_id=statement_id).order_by("id")


async def save_line(row: BankLine) -> None:
    await row.save()


async def page_of_exceptions(scope: Scope, offset: int, limit: int) -> tuple[list[BankLine], int]:
    query = scoped(BankLine, scope).filter(status=BankLineStatus.EXCEPTION)
    total = await query.count()
    rows = await query.order_by("booking_date", "id").offset(offset).limit(limit)
    return rows, total


async def customers(scope: Scope) -> list[CustomerInfo]:
    rows = await scoped(CustomerAccount, scope).values("id", "legal_name", "account_number", "external_id")
    return [CustomerInfo(r["id"], r["legal_name"], r["account_number"], r["external_id"]) for r in rows]


async def customer_exists(scope: Scope, customer_id: int) -> bool:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).exists()


async def open_invoices(scope: Scope, currencies: list[str]) -> list[InvoiceInfo]:
    """The tenant's invoices with something open in these currencies (what a bank line can pay)."""
    rows = await (
        scoped(Invoice, scope)
        .filter(currency__in=currencies)
        .exclude(status__in=NOT_RECEIVABLE)
        .values("id", "customer_id", "number", "po_number", "due_date", "currency", "total", "settled")
    )
    return [
        InvoiceInfo(
            r["id"],
            r["customer_id"],
            r["number"],
            r["po_number"] or "",
            r["due_date"],
            r["currency"],
            r["total"] - r["settled"],
        )
        for r in rows
        if r["total"] - r["settled"] > 0
    ]


async def invoice_customers(scope: Scope, invoice_ids: list[int]) -> dict[int, int]:
    rows = await scoped(Invoice, scope).filter(id__in=invoice_ids).values("id", "customer_id")
    return {r["id"]: r["customer_id"] for r in rows}


async def payer_accounts(scope: Scope) -> dict[str, int]:
    rows = await scoped(CustomerBankAccount, scope).values("account", "customer_id")
    return {r["account"]: r["customer_id"] for r in rows}


async def bank_accounts_of(scope: Scope, customer_id: int) -> list[str]:
    rows = await scoped(CustomerBankAccount, scope).filter(customer_id=customer_id).order_by("id")
    return [r.account for r in rows]


async def add_bank_account(scope: Scope, customer_id: int, account: str, source: str) -> bool:
    """Put ``account`` on file for the customer; False when it is already on file (for anyone)."""
    if await scoped(CustomerBankAccount, scope).filter(account=account).exists():
        return False
    try:
        async with in_transaction():
            await new_row(
                CustomerBankAccount, scope, customer_id=customer_id, account=account, source=source
            ).save()
    except IntegrityError:
        return False
    return True


async def payment_by_external_id(scope: Scope, external_id: str) -> Payment | None:
    return await scoped(Payment, scope).filter(external_id=external_id).first()


async def payments_by_external_id(scope: Scope, external_ids: list[str]) -> dict[str, Payment]:
    rows = await scoped(Payment, scope).filter(external_id__in=external_ids)
    return {row.external_id: row for row in rows}
