"""Staff payments: the ``payments`` connection, ``payment(id)``, and the ``recordPayment`` (wire, check,
ACH) and ``refundPayment`` (card, through Stripe) mutations, all over ``app.payments``."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from app.errors import LedgerportError
from app.inputs.codes import check_currency
from app.inputs.money import parse_amount
from app.inputs.text import check_text
from app.models import Payment
from app.models.enums import PaymentMethod, PaymentStatus
from app.payments import refunds, service
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentFilter, PaymentRequest
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, user_errors_from
from schema.permissions import requires

PaymentStatusEnum = strawberry.enum(PaymentStatus, name="PaymentStatus")


@strawberry.enum(description="How a payment is spread over invoices.")
class AllocationPlanEnum(Enum):
    OLDEST_FIRST = "oldest_first"
    AS_SELECTED = "as_selected"


@strawberry.enum(description="Ways staff record money received by hand.")
class ManualPaymentMethod(Enum):
    WIRE = "wire"
    CHECK = "check"
    ACH = "ach"


@strawberry.type(description="Part of a payment applied to an invoice (negative when a refund reversed it).")
class PaymentAllocationNode:
    invoice_id: strawberry.ID
    invoice_number: str
    amount: Money
    date: date


@strawberry.type(description="Money received (or, with refundOf set, given back), and where it went.")
class PaymentDetail:
    id: strawberry.ID
    customer_id: strawberry.ID
    external_id: str
    received_date: date
    amount: Money
    method: str
    reference: str
    status: PaymentStatusEnum
    failure_message: str
    refund_of: strawberry.ID | None
    _row: strawberry.Private[Payment]

    @strawberry.field(description="Allocations to invoices; what is left of the amount is unapplied credit.")
    async def allocations(self, info: Info) -> list[PaymentAllocationNode]:
        def fetch(ids):
            return service.allocations_by_payment(info.context.scope, ids)

        rows = await batch_loader(info, "AllocationsByPaymentLoader", fetch, []).load(self._row.id)
        currency = self._row.currency
        return [
            PaymentAllocationNode(
                invoice_id=strawberry.ID(encode_id("Invoice", a.invoice_id)),
                invoice_number=a.invoice_number,
                amount=Money.of(a.amount, currency),
                date=a.date,
            )
            for a in rows
        ]

    @strawberry.field(description="Refunded so far.")
    async def refunded(self, info: Info) -> Money:
        def fetch(ids):
            return service.refunded_by_payment(info.context.scope, ids)

        total = await batch_loader(info, "RefundedByPaymentLoader", fetch, 0).load(self._row.id)
        return Money.of(total, self._row.currency)


def payment_detail(p: Payment) -> PaymentDetail:
    return PaymentDetail(
        id=strawberry.ID(encode_id("Payment", p.id)),
        customer_id=strawberry.ID(encode_id("Customer", p.customer_id)),
        external_id=p.external_id,
        received_date=p.received_date,
        amount=Money.of(p.amount, p.currency),
        method=str(p.method),
        reference=p.reference,
        status=PaymentStatusEnum(p.status),
        failure_message=p.failure_message,
        refund_of=strawberry.ID(encode_id("Payment", p.refund_of_id)) if p.refund_of_id else None,
        _row=p,
    )


@strawberry.input
class PaymentFilterInput:
    customer_id: strawberry.ID | None = None
    status: PaymentStatusEnum | None = None
    received_from: date | None = None
    received_to: date | None = None


@strawberry.input
class RecordPaymentInput:
    customer_id: strawberry.ID
    amount: str = strawberry.field(description='Decimal string, e.g. "1234.50".')
    currency_code: str
    received_date: date
    method: ManualPaymentMethod
    reference: str = ""
    external_id: str | None = strawberry.field(
        default=None, description="The bank's or ERP's id: recording it again changes nothing."
    )
    invoice_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    allocation: AllocationPlanEnum = AllocationPlanEnum.OLDEST_FIRST


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    amount: str | None = strawberry.field(default=None, description="Default: all that is not refunded yet.")


@strawberry.type
class PaymentPayload:
    payment: PaymentDetail | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _minor(raw: str, currency: str) -> int:
    return parse_amount(raw, currency, "amount")


@strawberry.type
class PaymentsQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Payments and refunds, newest first.")
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: PaymentFilterInput | None = None,
    ) -> Connection[PaymentDetail]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        flt = PaymentFilter(
            customer_id=decode_id("Customer", filter.customer_id) if filter and filter.customer_id else None,
            status=PaymentStatus(filter.status.value) if filter and filter.status else None,
            received_from=filter.received_from if filter else None,
            received_to=filter.received_to if filter else None,
        )
        rows, total = await service.list_payments(ctx.scope, page.offset, page.limit, flt)
        return connection_of(rows, page, total, payment_detail)

    @strawberry.field(extensions=requires("ar.read"), description="One payment; null when not found.")
    async def payment(self, info: Info, id: strawberry.ID) -> PaymentDetail | None:
        try:
            return payment_detail(await service.get_payment(info.context.scope, decode_id("Payment", id)))
        except LedgerportError as exc:
            if exc.code == "not_found":
                return None
            raise


@strawberry.type
class PaymentsMutation:
    @strawberry.mutation(
        extensions=requires("payments.write"),
        description="Record a wire, check or ACH payment and allocate it.",
    )
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> PaymentPayload:
        ctx = info.context
        try:
            currency = check_currency(input.currency_code, "currencyCode")
            external_id = input.external_id and check_text(input.external_id, "externalId", 100)
            request = PaymentRequest(
                customer_id=decode_id("Customer", input.customer_id),
                amount=parse_amount(input.amount, currency, "amount", positive=True),
                currency=currency,
                received_date=input.received_date,
                method=PaymentMethod(input.method.value),
                external_id=external_id or service.new_external_id("manual"),
                plan=AllocationPlan(input.allocation.value),
                invoice_ids=[decode_id("Invoice", i) for i in input.invoice_ids],
                reference=check_text(input.reference, "reference", 255),
            )
            payment = await service.record_manual_payment(ctx.scope, request)
        except LedgerportError as exc:
            return PaymentPayload(user_errors=user_errors_from(exc))
        return PaymentPayload(payment=payment_detail(payment))

    @strawberry.mutation(
        extensions=requires("payments.write"), description="Refund a card payment through Stripe."
    )
    async def refund_payment(self, info: Info, input: RefundPaymentInput) -> PaymentPayload:
        ctx = info.context
        try:
            payment_id = decode_id("Payment", input.payment_id)
            current = await service.get_payment(ctx.scope, payment_id)
            amount = _minor(input.amount, current.currency) if input.amount else None
            payment = await refunds.refund_card_payment(
                ctx.scope, payment_id, amount, ctx.tenant_config.payments, ctx.today()
            )
        except LedgerportError as exc:
            return PaymentPayload(user_errors=user_errors_from(exc))
        return PaymentPayload(payment=payment_detail(payment))
