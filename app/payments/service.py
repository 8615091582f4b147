"""The one payment service every entry point uses: Stripe webhooks, staff manual payments, refunds.

A payment and its allocations are written in one transaction under ``repository.writing()`` (row locks
on PostgreSQL, one writer on SQLite), so two payments racing for one invoice never allocate more than is
open. Each payment is recorded once per external id (a Stripe payment intent id, a bank reference): a
repeat returns the payment already recorded and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

from app.auth.permissions import require
from app.errors import Conflict, NotFound, ValidationFailed
from app.fx import service as fx
from app.inputs.money import check_minor
from app.models import Payment
from app.models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from app.payments import repository
from app.payments.allocation import Allocation, AllocationPlan, OpenInvoice, allocate
from app.scope import Scope
from app.tenancy.service import current_tenant
from app.webhooks import payloads
from app.webhooks import repository as webhook_reads
from app.webhooks.events import emit, emit_many, subscribed

MANUAL_METHODS = (PaymentMethod.WIRE, PaymentMethod.CHECK, PaymentMethod.ACH)


@dataclass(frozen=True)
class PaymentRequest:
    """Money received from one customer, and how to spread it."""

    customer_id: int
    amount: int
    currency: str
    received_date: date
    method: PaymentMethod
    external_id: str
    plan: AllocationPlan = AllocationPlan.OLDEST_FIRST
    #: The invoices to pay; empty means all the customer's open invoices in that currency, oldest first.
    invoice_ids: list[int] = field(default_factory=list)
    reference: str = ""
    stripe_payment_intent_id: str | None = None


def _check_invoices(request: PaymentRequest, invoices: list[OpenInvoice]) -> None:
    found = {i.id for i in invoices}
    missing = [i for i in request.invoice_ids if i not in found]
    if missing or any(i.customer_id != request.customer_id for i in invoices):
        raise NotFound("invoice not found", field="invoiceIds")
    if any(i.currency != request.currency for i in invoices):
        raise ValidationFailed(
            f"every invoice must be in {request.currency}", code="currency_mismatch", field="invoiceIds"
        )


async def _locked_open_invoices(scope: Scope, request: PaymentRequest) -> list[OpenInvoice]:
    if request.invoice_ids:
        invoices = await repository.open_invoices(scope, invoice_ids=request.invoice_ids, lock=True)
        _check_invoices(request, invoices)
        return invoices
    invoices = await repository.open_invoices(scope, customer_id=request.customer_id, lock=True)
    return [i for i in invoices if i.currency == request.currency and i.open_amount > 0]


async def apply_payment(scope: Scope, request: PaymentRequest) -> Payment:
    """Record ``request`` as a succeeded payment with its allocations, exactly once.

    A pending or failed row for the same external id (a card payment still in flight) becomes the
    succeeded payment; an already succeeded one is returned unchanged."""
    if request.amount <= 0:
        raise ValidationFailed("the amount must be positive", code="invalid_amount", field="amount")
    check_minor(request.amount, request.currency, "amount", positive=True)
    if request.plan == AllocationPlan.AS_SELECTED and not request.invoice_ids:
        # Allocating "as selected" with nothing selected used to fall back to oldest first: money
        # would land on invoices the payer never named.
        raise ValidationFailed(
            "allocation AS_SELECTED needs the invoices to pay in invoiceIds",
            code="invoices_required",
            field="invoiceIds",
        )
    async with repository.writing():
        existing = await repository.payment_by(scope, external_id=request.external_id)
        if existing is not None and existing.status == PaymentStatus.SUCCEEDED:
            return existing
        if existing is not None and existing.customer_id != request.customer_id:
            raise Conflict("this payment belongs to another customer", field="externalId")
        invoices = await _locked_open_invoices(scope, request)
        tenant = await current_tenant(scope)
        await fx.require_rate(
            scope, tenant.base_currency, request.currency, request.received_date, "currencyCode"
        )
        allocations, _unapplied = allocate(invoices, request.amount, request.plan, request.invoice_ids)
        values = dict(
            customer_id=request.customer_id,
            amount=request.amount,
            currency=request.currency,
            received_date=request.received_date,
            method=request.method,
            reference=request.reference,
            status=PaymentStatus.SUCCEEDED,
            allocation_plan=request.plan.value,
            invoice_ids=list(request.invoice_ids),
            stripe_payment_intent_id=request.stripe_payment_intent_id,
            failure_message="",
        )
        if existing is None:
            payment = await repository.insert_payment(scope, external_id=request.external_id, **values)
        else:
            payment = existing.update_from_dict(values)
            await repository.save(payment)
        await repository.insert_allocations(scope, payment.id, allocations, request.received_date)
        settled = {
            i.id
            for i in invoices
            if any(a.invoice_id == i.id and a.amount == i.open_amount for a in allocations)
        }
        await repository.set_invoice_status(scope, sorted(settled), InvoiceStatus.PAID)
        await emit(scope, "payment.succeeded", payloads.payment(payment))
        if settled and await subscribed(scope, "invoice.paid"):
            paid = await webhook_reads.invoices(scope, sorted(settled))
            await emit_many(scope, "invoice.paid", [payloads.invoice(i) for i in paid])
        return payment


async def record_manual_payment(scope: Scope, request: PaymentRequest) -> Payment:
    """A staff member records a wire, check or ACH payment; allocated like any other."""
    require(scope, "payments.write")
    if request.method not in MANUAL_METHODS:
        names = ", ".join(m.value for m in MANUAL_METHODS)
        raise ValidationFailed(f"manual payments are {names}", code="invalid_method", field="method")
    if await repository.customer(scope, request.customer_id) is None:
        raise NotFound("customer account not found", field="customerId")
    return await apply_payment(scope, request)


def new_external_id(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex}"


async def reverse_for_refund(
    scope: Scope, payment: Payment, refunded_total: int, on: date, key: str
) -> Payment | None:
    """Bring the refunds of ``payment`` up to ``refunded_total`` (Stripe's cumulative amount refunded).

    The refund is a negative payment row; it first takes back the payment's unapplied part, then reverses
    its allocations, the invoice due last first, with negative allocation rows dated ``on``, so figures as
    of an earlier date are unchanged. Recorded once per ``key``; a stale (smaller) total changes nothing."""
    async with repository.writing():
        if await repository.payment_by(scope, external_id=key) is not None:
            return None
        already = await repository.refunded_total(scope, payment.id)
        delta = min(refunded_total, payment.amount) - already
        if delta <= 0:
            return None
        net = await repository.net_allocations(scope, payment.id)
        invoices = await repository.open_invoices(scope, invoice_ids=sorted(net), lock=True)
        unapplied = payment.amount - already - sum(net.values())
        to_reverse = max(delta - max(unapplied, 0), 0)
        reversals = []
        for invoice in sorted(invoices, key=lambda i: (i.due_date, i.id), reverse=True):
            share = min(to_reverse, net.get(invoice.id, 0))
            if share > 0:
                reversals.append((invoice.id, share))
                to_reverse -= share
        refund = await repository.insert_payment(
            scope,
            customer_id=payment.customer_id,
            external_id=key,
            amount=-delta,
            currency=payment.currency,
            received_date=on,
            method=payment.method,
            reference=f"refund of {payment.external_id}",
            status=PaymentStatus.SUCCEEDED,
            refund_of_id=payment.id,
        )
        await repository.insert_allocations(
            scope, refund.id, [Allocation(invoice_id, -share) for invoice_id, share in reversals], on
        )
        await repository.set_invoice_status(scope, [i for i, _ in reversals], InvoiceStatus.OPEN)
        await emit(scope, "payment.refunded", payloads.payment(refund))
        return refund


async def get_payment(scope: Scope, payment_id: int) -> Payment:
    require(scope, "ar.read")
    payment = await repository.payment(scope, payment_id)
    if payment is None:
        raise NotFound("payment not found")
    return payment


async def customer_payments(
    scope: Scope, customer_id: int, as_of: date, offset: int = 0, limit: int = 50
) -> tuple[list[Payment], int]:
    """Payments of one customer received on or before ``as_of`` and their count."""
    require(scope, "ar.read")
    return await repository.page_of_customer(scope, customer_id, as_of, offset, limit)


@dataclass(frozen=True)
class PaymentFilter:
    customer_id: int | None = None
    status: PaymentStatus | None = None
    received_from: date | None = None
    received_to: date | None = None


async def payment_chunks(
    scope: Scope, as_of: date, flt: PaymentFilter | None = None, chunk: int = 2000
) -> AsyncIterator[list[dict]]:
    """The payments ``list_payments`` lists that were received by ``as_of``, by id, ``chunk`` at a time
    (keyset: an export of any size holds one chunk)."""
    require(scope, "ar.read")
    flt = flt or PaymentFilter()
    to = min(flt.received_to, as_of) if flt.received_to else as_of
    after = 0
    while True:
        rows = await repository.payment_chunk(
            scope,
            after,
            chunk,
            received_to=to,
            customer_id=flt.customer_id,
            status=flt.status,
            received_from=flt.received_from,
        )
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        after = rows[-1]["id"]


async def list_payments(
    scope: Scope, offset: int, limit: int, flt: PaymentFilter | None = None
) -> tuple[list[Payment], int]:
    """The tenant's payments, newest first, for the staff API."""
    require(scope, "ar.read")
    flt = flt or PaymentFilter()
    return await repository.page_of_payments(
        scope,
        offset,
        limit,
        customer_id=flt.customer_id,
        status=flt.status,
        received_from=flt.received_from,
        received_to=flt.received_to,
    )


@dataclass(frozen=True)
class AppliedAmount:
    invoice_id: int
    invoice_number: str
    amount: int
    date: date


async def allocations_by_payment(scope: Scope, payment_ids: list[int]) -> dict[int, list[AppliedAmount]]:
    """Payment id -> its allocations (a refund's are negative), for one batch of payments."""
    require(scope, "ar.read")
    rows = await repository.allocations_of(scope, payment_ids)
    numbers = await repository.invoice_numbers(scope, sorted({r.invoice_id for r in rows}))
    out: dict[int, list[AppliedAmount]] = {pid: [] for pid in payment_ids}
    for r in rows:
        out[r.payment_id].append(AppliedAmount(r.invoice_id, numbers.get(r.invoice_id, ""), r.amount, r.date))
    return out


async def refunded_by_payment(scope: Scope, payment_ids: list[int]) -> dict[int, int]:
    require(scope, "ar.read")
    return await repository.refunded_by_payment(scope, payment_ids)
