"""Small builders of receivables rows for the document tests, and PDF text extraction.

Amounts are minor units. The worked example is metrics.md's customer A, so a statement test can check
every figure the product's rules fix.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from itertools import count

from pypdf import PdfReader

from app.models import (
    CreditApplication,
    CreditNote,
    CustomerAccount,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    WriteOff,
)
from app.receivables import settlement
from app.scope import Scope

_ids = count(1)


def _next(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


async def customer(scope: Scope, account: str, name: str = "Acme Corp", currency: str = "USD", **kw):
    return await CustomerAccount.create(
        tenant_id=scope.tenant_id,
        external_id=_next("cust"),
        account_number=account,
        legal_name=name,
        currency=currency,
        **kw,
    )


async def invoice(
    scope: Scope,
    cust: CustomerAccount,
    number: str,
    issued: date,
    due: date,
    total: int,
    *,
    tax: int = 0,
    lines: list[tuple[str, str, int]] | None = None,
    **kw,
) -> Invoice:
    """An invoice; ``lines`` are (description, quantity, unit price) and must add up to total - tax."""
    row = await Invoice.create(
        tenant_id=scope.tenant_id,
        customer=cust,
        external_id=_next("inv"),
        number=number,
        issue_date=issued,
        due_date=due,
        currency=kw.pop("currency", cust.currency),
        subtotal=total - tax,
        tax=tax,
        total=total,
        **kw,
    )
    for position, (description, quantity, unit_price) in enumerate(lines or [], start=1):
        amount = int(Decimal(quantity) * unit_price)
        await InvoiceLine.create(
            tenant_id=scope.tenant_id,
            invoice=row,
            position=position,
            description=description,
            quantity=Decimal(quantity),
            unit_price=unit_price,
            amount=amount,
            tax=0,
        )
    return row


async def _link(scope: Scope, model, parent_field: str, parent, links) -> None:
    """Allocation or application rows of ``parent`` to invoices: ``links`` are (invoice, amount, date)."""
    for inv, part, when in links:
        await model.create(
            tenant_id=scope.tenant_id, invoice=inv, amount=part, date=when, **{parent_field: parent}
        )


async def payment(
    scope: Scope, cust: CustomerAccount, received: date, amount: int, *allocations, reference: str = ""
) -> Payment:
    """A payment; ``allocations`` are (invoice, amount, date)."""
    row = await Payment.create(
        tenant_id=scope.tenant_id,
        customer=cust,
        external_id=_next("pay"),
        received_date=received,
        amount=amount,
        currency=cust.currency,
        reference=reference,
    )
    await _link(scope, PaymentAllocation, "payment", row, allocations)
    await settlement.refresh(
        scope.tenant_id, invoice_ids=[a[0].id for a in allocations], payment_ids=[row.id]
    )
    return row


async def credit_note(
    scope: Scope, cust: CustomerAccount, number: str, when: date, amount: int, *applications
) -> CreditNote:
    """A credit note; ``applications`` are (invoice, amount, date)."""
    row = await CreditNote.create(
        tenant_id=scope.tenant_id,
        customer=cust,
        external_id=_next("cn"),
        number=number,
        date=when,
        currency=cust.currency,
        amount=amount,
    )
    await _link(scope, CreditApplication, "credit_note", row, applications)
    await settlement.refresh(
        scope.tenant_id, invoice_ids=[a[0].id for a in applications], credit_note_ids=[row.id]
    )
    return row


async def write_off(scope: Scope, inv: Invoice, when: date, amount: int) -> WriteOff:
    row = await WriteOff.create(
        tenant_id=scope.tenant_id, invoice=inv, external_id=_next("wo"), date=when, amount=amount
    )
    await settlement.refresh(scope.tenant_id, invoice_ids=[inv.id])
    return row


async def worked_example(scope: Scope, account: str = "A-100", name: str = "Customer A") -> CustomerAccount:
    """metrics.md's customer A: INV-1, INV-2, INV-3, CN-1 and an unallocated payment."""
    cust = await customer(scope, account, name)
    inv1 = await invoice(scope, cust, "INV-1", date(2026, 3, 1), date(2026, 3, 31), 100000)
    await invoice(scope, cust, "INV-2", date(2026, 6, 1), date(2026, 7, 1), 250000)
    inv3 = await invoice(scope, cust, "INV-3", date(2026, 5, 1), date(2026, 5, 31), 80000)
    await payment(
        scope, cust, date(2026, 4, 15), 40000, (inv1, 40000, date(2026, 4, 15)), reference="WIRE-400"
    )
    await credit_note(scope, cust, "CN-1", date(2026, 6, 10), 20000, (inv3, 20000, date(2026, 6, 10)))
    await payment(scope, cust, date(2026, 6, 20), 15000, reference="WIRE-150")
    return cust


def pdf_pages(content: bytes) -> list[str]:
    """Text of each page, with runs of white space (including no-break spaces) made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader.pages]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))
