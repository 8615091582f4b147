"""Every query of the payments domain; each starts from the caller's scope.

Writes that allocate money run inside ``writing()``: one transaction that, on PostgreSQL, holds row locks
(SELECT ... FOR UPDATE) on the invoices being paid, and on SQLite (one writer anyway) is serialised by a
process-wide lock (Tortoise's SQLite client happens to hold its one connection per transaction too; the
lock states the rule instead of relying on that), so two payments racing for one invoice see each other's
allocations. tests/test_payments_service.py fails on PostgreSQL without the FOR UPDATE.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from app.db.scoping import new_row, scoped
from app.models import (
    CustomerAccount,
    Dispute,
    Invoice,
    Payment,
    PaymentAllocation,
    StripeEvent,
)
from app.models.enums import InvoiceStatus, PaymentStatus
from app.payments.allocation import Allocation, OpenInvoice
from app.receivables import settlement
from app.scope import Scope

_sqlite_writer = asyncio.Lock()
NOT_RECEIVABLE = (InvoiceStatus.VOID, InvoiceStatus.DRAFT)


def _is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """One transaction for a payment and its allocations, serialised against other payment writes."""
    if _is_postgres():
        async with in_transaction():
            yield
        return
    async with _sqlite_writer, in_transaction():
        yield


async def open_invoices(
    scope: Scope, *, invoice_ids: list[int] | None = None, customer_id: int | None = None, lock: bool = False
) -> list[OpenInvoice]:
    """Receivable invoices with what is open on them today: total - the maintained ``settled`` (all
    allocations of succeeded payments, credits and write-offs, app.receivables.settlement).

    ``lock`` takes row locks on PostgreSQL; call it inside ``writing()``."""
    query = scoped(Invoice, scope).exclude(status__in=NOT_RECEIVABLE)
    if invoice_ids is not None:
        query = query.filter(id__in=invoice_ids)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if lock and _is_postgres():
        query = query.select_for_update()
    invoices = await query.order_by("due_date", "id")
    return [
        OpenInvoice(
            id=i.id,
            customer_id=i.customer_id,
            number=i.number,
            due_date=i.due_date,
            currency=i.currency,
            total=i.total,
            open_amount=i.total - i.settled,
        )
        for i in invoices
    ]


async def set_invoice_status(scope: Scope, invoice_ids: list[int], status: InvoiceStatus) -> None:
    if invoice_ids:
        await (
            scoped(Invoice, scope)
            .filter(id__in=invoice_ids)
            .exclude(status__in=NOT_RECEIVABLE)
            .update(status=status)
        )


async def customer(scope: Scope, customer_id: int) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).first()


async def set_stripe_customer(scope: Scope, customer_id: int, stripe_customer_id: str) -> None:
    await scoped(CustomerAccount, scope).filter(id=customer_id).update(stripe_customer_id=stripe_customer_id)


async def payment(scope: Scope, payment_id: int) -> Payment | None:
    return await scoped(Payment, scope).filter(id=payment_id).first()


async def payment_by(scope: Scope, **key) -> Payment | None:
    return await scoped(Payment, scope).filter(**key).first()


async def insert_payment(scope: Scope, **values) -> Payment:
    row = new_row(Payment, scope, **values)
    await row.save()
    return row


async def save(row) -> None:
    """Save a payment (or event) row; a payment's status decides whether its allocations settle its
    invoices, so their maintained sums are refreshed with it."""
    await row.save()
    if isinstance(row, Payment):
        invoice_ids = await settlement.invoices_of_payments(row.tenant_id, [row.id])
        await settlement.refresh(row.tenant_id, invoice_ids=invoice_ids, payment_ids=[row.id])


async def insert_allocations(scope: Scope, payment_id: int, allocations: list[Allocation], on: date) -> None:
    rows = [
        new_row(
            PaymentAllocation, scope, payment_id=payment_id, invoice_id=a.invoice_id, amount=a.amount, date=on
        )
        for a in allocations
    ]
    if rows:
        await PaymentAllocation.bulk_create(rows)
        await settlement.refresh(
            scope.tenant_id, invoice_ids=[a.invoice_id for a in allocations], payment_ids=[payment_id]
        )


async def net_allocations(scope: Scope, payment_id: int) -> dict[int, int]:
    """Invoice -> what a payment still covers on it, after the reversals of its refunds."""
    rows = (
        await scoped(PaymentAllocation, scope)
        .filter(Q(payment_id=payment_id) | Q(payment__refund_of_id=payment_id))
        .annotate(total=Sum("amount"))
        .group_by("invoice_id")
        .values("invoice_id", "total")
    )
    return {row["invoice_id"]: int(row["total"] or 0) for row in rows if int(row["total"] or 0) != 0}


async def refunded_total(scope: Scope, payment_id: int) -> int:
    return (await refunded_by_payment(scope, [payment_id])).get(payment_id, 0)


async def store_event(scope: Scope, event_id: str, type_: str, payload: dict, intent: str | None):
    """The stored event, and whether it is new (a repeat of a known id is not stored again)."""
    existing = await scoped(StripeEvent, scope).filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    row = new_row(
        StripeEvent, scope, event_id=event_id, type=type_, payload=payload, payment_intent_id=intent
    )
    try:
        await row.save()
    except IntegrityError:  # the same event delivered twice at once: the other delivery stored it
        return await scoped(StripeEvent, scope).filter(event_id=event_id).first(), False
    return row, True


async def waiting_events(scope: Scope, intent: str) -> list[StripeEvent]:
    """Events about ``intent`` that arrived before its payment and wait to be applied."""
    return (
        await scoped(StripeEvent, scope)
        .filter(payment_intent_id=intent, processed_at__isnull=True)
        .order_by("id")
    )


async def dispute_by_external_id(scope: Scope, external_id: str) -> Dispute | None:
    return await scoped(Dispute, scope).filter(external_id=external_id).first()


async def insert_dispute(scope: Scope, **values) -> Dispute:
    row = new_row(Dispute, scope, **values)
    await row.save()
    return row


async def allocations_of(scope: Scope, payment_ids: list[int]) -> list[PaymentAllocation]:
    return await scoped(PaymentAllocation, scope).filter(payment_id__in=payment_ids).order_by("id")


async def invoice_numbers(scope: Scope, invoice_ids: list[int]) -> dict[int, str]:
    rows = await scoped(Invoice, scope).filter(id__in=invoice_ids).values("id", "number")
    return {row["id"]: row["number"] for row in rows}


async def page_of_customer(
    scope: Scope, customer_id: int, as_of: date, offset: int, limit: int
) -> tuple[list[Payment], int]:
    query = scoped(Payment, scope).filter(customer_id=customer_id, received_date__lte=as_of)
    total = await query.count()
    rows = await query.order_by("-received_date", "-id").offset(offset).limit(limit)
    return rows, total


def _payments(
    scope: Scope,
    customer_id: int | None,
    status: PaymentStatus | None,
    received_from: date | None,
    received_to: date | None,
):
    """The payments of the staff API's ``PaymentFilter``: the one filter its list and exports share."""
    query = scoped(Payment, scope)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if status is not None:
        query = query.filter(status=status)
    if received_from is not None:
        query = query.filter(received_date__gte=received_from)
    if received_to is not None:
        query = query.filter(received_date__lte=received_to)
    return query


async def page_of_payments(
    scope: Scope,
    offset: int,
    limit: int,
    *,
    customer_id: int | None = None,
    status: PaymentStatus | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> tuple[list[Payment], int]:
    """Payments (refunds included, as their own negative rows), newest first, and their count."""
    query = _payments(scope, customer_id, status, received_from, received_to)
    total = await query.count()
    rows = await query.order_by("-received_date", "-id").offset(offset).limit(limit)
    return rows, total


PAYMENT_EXPORT_FIELDS = (
    "id",
    "external_id",
    "reference",
    "received_date",
    "amount",
    "currency",
    "method",
    "status",
    "refund_of_id",
    "customer__account_number",
    "customer__legal_name",
)


async def payment_chunk(
    scope: Scope,
    after_id: int,
    limit: int,
    *,
    received_to: date,
    customer_id: int | None = None,
    status: PaymentStatus | None = None,
    received_from: date | None = None,
) -> list[dict]:
    """Up to ``limit`` payments with id > ``after_id`` received by ``received_to``, by id (keyset)."""
    query = _payments(scope, customer_id, status, received_from, received_to).filter(id__gt=after_id)
    return await query.order_by("id").limit(limit).values(*PAYMENT_EXPORT_FIELDS)


async def refunded_by_payment(scope: Scope, payment_ids: list[int]) -> dict[int, int]:
    rows = (
        await scoped(Payment, scope)
        .filter(refund_of_id__in=payment_ids)
        .annotate(total=Sum("amount"))
        .group_by("refund_of_id")
        .values("refund_of_id", "total")
    )
    return {row["refund_of_id"]: -int(row["total"] or 0) for row in rows}
