"""Customers and invoices for payment tests, written the way ERP ingest would create them."""

from __future__ import annotations

from datetime import date

from app.db.scoping import new_row
from app.models import CustomerAccount, Invoice
from app.payments import repository
from app.scope import Scope


async def customer(scope: Scope, key: str, currency: str = "USD") -> CustomerAccount:
    row = new_row(
        CustomerAccount, scope, external_id=key, account_number=key, legal_name=key.title(), currency=currency
    )
    await row.save()
    return row


async def invoice(
    scope: Scope, account: CustomerAccount, number: str, total: int, due: date, currency: str | None = None
) -> Invoice:
    row = new_row(
        Invoice,
        scope,
        customer_id=account.id,
        external_id=number,
        number=number,
        issue_date=date(2026, 1, 1),
        due_date=due,
        currency=currency or account.currency,
        subtotal=total,
        total=total,
    )
    await row.save()
    return row


async def open_amounts(scope: Scope, *invoices: Invoice) -> list[int]:
    """What is open on each invoice now, in the order given."""
    found = {
        i.id: i.open_amount
        for i in await repository.open_invoices(scope, invoice_ids=[i.id for i in invoices])
    }
    return [found[i.id] for i in invoices]
