"""Small builders of receivables rows for the document tests, and PDF text extraction.

Amounts are minor units. The worked example is metrics.md's customer A, so a statement test can check
every figure the product's rules fix.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path

from pypdf import PdfReader

from app.documents import views
from app.documents.formatting import Formatter
from app.documents.repository import ActivityRow, CustomerRow
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
from app.tenancy.branding import brand_of
from app.tenancy.registry import TenantRegistry

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


#: The table header of an activity statement, as text extraction reads it.
STATEMENT_HEADER = "Date Document Due date Charges Credits Balance"
#: The reference of a line of ``long_statement_view``.
LONG_ROW_REFERENCE = r"\b(?:INV|PAY|REM)-\d{4}\b"


def _long_reference(i: int) -> str:
    # Every tenth payment carries a long remittance text that wraps over several lines of its cell.
    if i % 10 == 7:
        return f"REM-{i:04d} remittance advice for several invoices paid together by the customer's bank"
    return f"{'INV' if i % 2 == 0 else 'PAY'}-{i:04d}"


def long_statement_view(rows: int) -> views.StatementView:
    """A northwind activity statement of ``rows`` lines, built without a database (layout needs none):
    invoices and payments alternate, and every tenth line wraps."""
    tenant = TenantRegistry.load(Path(__file__).resolve().parent.parent / "tenants").require("northwind")
    start = date(2026, 1, 1)
    activity = [
        ActivityRow(
            start + timedelta(days=i // 3),
            "invoice" if i % 2 == 0 else "payment",
            _long_reference(i),
            start + timedelta(days=i // 3 + 30) if i % 2 == 0 else None,
            10000 + i if i % 2 == 0 else -(9000 + i),
        )
        for i in range(rows)
    ]
    customer = CustomerRow(1, "NW-LONG", "Long Statement Ltd", "1 Long Road", "", "", "USD")
    figures = views.StatementFigures(date(2026, 6, 30), "USD", 0, 0, {})
    return views.activity_statement_view(
        brand_of(tenant),
        Formatter("en_US"),
        customer,
        start,
        0,
        activity,
        figures,
        [30, 60, 90, 120],
        "",
    )


def row_text(row: views.StatementRow) -> str:
    """A statement line as text extraction reads it: its non-empty cells, space-separated."""
    cells = (row.date, row.kind, row.reference, row.due_date, row.charge, row.credit, row.balance)
    return " ".join(c for c in cells if c)
