"""Small builders of test data: rows inserted directly, amounts in minor units, dates as ISO strings.

The ERP ingest service is written in parallel; tests build exactly the rows they need here instead.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from app.db.scoping import new_row
from app.models import (
    CreditApplication,
    CreditNote,
    CustomerAccount,
    Dispute,
    FxRate,
    Invoice,
    Payment,
    PaymentAllocation,
    WriteOff,
)
from app.models.enums import DisputeStatus, InvoiceStatus, PaymentStatus
from app.receivables import settlement
from app.scope import Scope

_seq = itertools.count(1)


def d(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


async def customer(scope: Scope, name: str | None = None, **values) -> CustomerAccount:
    n = next(_seq)
    defaults = {
        "external_id": f"C{n}",
        "account_number": f"ACC-{n:05d}",
        "legal_name": name or f"Customer {n}",
        "currency": "USD",
        "region": "North",
        "segment": "Enterprise",
        "country": "US",
    }
    row = new_row(CustomerAccount, scope, **{**defaults, **values})
    await row.save()
    return row


async def invoice(
    scope: Scope,
    cust: CustomerAccount,
    total: int,
    issued: str,
    due: str,
    currency: str = "USD",
    number: str | None = None,
    status: InvoiceStatus = InvoiceStatus.OPEN,
) -> Invoice:
    n = next(_seq)
    row = new_row(
        Invoice,
        scope,
        customer_id=cust.id,
        external_id=f"I{n}",
        number=number or f"INV-{n}",
        issue_date=d(issued),
        due_date=d(due),
        currency=currency,
        subtotal=total,
        total=total,
        status=status,
    )
    await row.save()
    return row


async def payment(
    scope: Scope,
    cust: CustomerAccount,
    amount: int,
    received: str,
    currency: str = "USD",
    allocate: list[tuple[Invoice, int, str]] = (),
    status: PaymentStatus = PaymentStatus.SUCCEEDED,
) -> Payment:
    row = new_row(
        Payment,
        scope,
        customer_id=cust.id,
        external_id=f"P{next(_seq)}",
        received_date=d(received),
        amount=amount,
        currency=currency,
        status=status,
    )
    await row.save()
    for inv, part, when in allocate:
        await new_row(
            PaymentAllocation, scope, payment_id=row.id, invoice_id=inv.id, amount=part, date=d(when)
        ).save()
    # As every writer of allocations does (app.receivables.settlement).
    await settlement.refresh(
        scope.tenant_id, invoice_ids=[i.id for i, _, _ in allocate], payment_ids=[row.id]
    )
    return row


async def credit_note(
    scope: Scope,
    cust: CustomerAccount,
    amount: int,
    dated: str,
    currency: str = "USD",
    apply: list[tuple[Invoice, int, str]] = (),
) -> CreditNote:
    n = next(_seq)
    row = new_row(
        CreditNote,
        scope,
        customer_id=cust.id,
        external_id=f"CN{n}",
        number=f"CN-{n}",
        date=d(dated),
        currency=currency,
        amount=amount,
    )
    await row.save()
    for inv, part, when in apply:
        await new_row(
            CreditApplication, scope, credit_note_id=row.id, invoice_id=inv.id, amount=part, date=d(when)
        ).save()
    await settlement.refresh(
        scope.tenant_id, invoice_ids=[i.id for i, _, _ in apply], credit_note_ids=[row.id]
    )
    return row


async def write_off(scope: Scope, inv: Invoice, amount: int, dated: str) -> WriteOff:
    row = new_row(
        WriteOff, scope, invoice_id=inv.id, external_id=f"W{next(_seq)}", date=d(dated), amount=amount
    )
    await row.save()
    await settlement.refresh(scope.tenant_id, invoice_ids=[inv.id])
    return row


async def fx_rate(scope: Scope, currency: str, dated: str, rate: str) -> FxRate:
    row = new_row(FxRate, scope, currency=currency, date=d(dated), rate=Decimal(rate))
    await row.save()
    return row


async def dispute(
    scope: Scope, inv: Invoice, amount: int, opened: str, status: DisputeStatus = DisputeStatus.OPEN
) -> Dispute:
    row = new_row(
        Dispute,
        scope,
        customer_id=inv.customer_id,
        invoice_id=inv.id,
        amount=amount,
        currency=inv.currency,
        reason_code="pricing",
        opened_on=d(opened),
        status=status,
    )
    await row.save()
    return row


async def worked_example(scope: Scope, **customer_values) -> dict:
    """Customer A of metrics.md's worked example (USD), returning its rows by name."""
    a = await customer(scope, "Customer A", **customer_values)
    inv1 = await invoice(scope, a, 100000, "2026-03-01", "2026-03-31")
    inv2 = await invoice(scope, a, 250000, "2026-06-01", "2026-07-01")
    inv3 = await invoice(scope, a, 80000, "2026-05-01", "2026-05-31")
    await payment(scope, a, 40000, "2026-04-15", allocate=[(inv1, 40000, "2026-04-15")])
    cn1 = await credit_note(scope, a, 20000, "2026-06-10", apply=[(inv3, 20000, "2026-06-10")])
    unapplied = await payment(scope, a, 15000, "2026-06-20")
    return {"customer": a, "inv1": inv1, "inv2": inv2, "inv3": inv3, "cn1": cn1, "unapplied": unapplied}


async def letter_of_credit(scope: Scope, cust: CustomerAccount, amount: int, expiry: str, **values):
    from app.models import LetterOfCredit

    row = new_row(
        LetterOfCredit,
        scope,
        customer_id=cust.id,
        external_id=f"LC{next(_seq)}",
        amount=amount,
        currency=values.pop("currency", "USD"),
        expiry_date=d(expiry),
        **values,
    )
    await row.save()
    return row


async def promise(scope: Scope, cust: CustomerAccount, amount: int, promised: str, status: str = "open"):
    from app.models import PromiseToPay

    row = new_row(
        PromiseToPay,
        scope,
        customer_id=cust.id,
        promised_date=d(promised),
        amount=amount,
        currency="USD",
        status=status,
    )
    await row.save()
    return row


async def invoice_line(scope: Scope, inv: Invoice, amount: int, cost: int | None, position: int = 1):
    from app.models import InvoiceLine

    row = new_row(
        InvoiceLine, scope, invoice_id=inv.id, position=position, amount=amount, unit_price=amount, cost=cost
    )
    await row.save()
    return row


async def credit_hold(
    scope: Scope, cust: CustomerAccount, reason: str = "over limit", released: bool = False
):
    from datetime import UTC, datetime

    from app.models import CreditHold

    placed = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    row = new_row(
        CreditHold,
        scope,
        customer_id=cust.id,
        reason=reason,
        placed_by="credit@example.test",
        placed_at=placed,
        released_at=placed.replace(day=20) if released else None,
        released_by="finance@example.test" if released else "",
    )
    await row.save()
    return row
