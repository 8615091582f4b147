"""``startPayment``: a payer or admin contact starts a card payment of some of its account's invoices."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from app.errors import LedgerportError
from app.money import format_decimal_string
from app.payments import checkout
from app.payments.allocation import AllocationPlan
from schema.common import ids
from schema.errors import UserError, user_errors_from


@strawberry.enum(name="PortalAllocationPlan", description="How a payment is spread over the invoices chosen.")
class PortalAllocationPlan(Enum):
    OLDEST_FIRST = "oldest_first"
    AS_SELECTED = "as_selected"


@strawberry.input
class StartPaymentInput:
    invoice_ids: list[strawberry.ID]
    idempotency_key: str = strawberry.field(description="The same key for the same click: one intent.")
    amount: str | None = strawberry.field(default=None, description="Decimal string; default the open total.")
    allocation: PortalAllocationPlan = PortalAllocationPlan.OLDEST_FIRST


@strawberry.type(description="What Stripe.js needs to take the card payment.")
class PaymentStart:
    id: strawberry.ID
    client_secret: str
    publishable_key: str
    amount: str
    currency_code: str


@strawberry.type
class StartPaymentPayload:
    payment: PaymentStart | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _amount(raw: str | None) -> str | None:
    """The amount as written; checked against the invoices' currency by ``app.inputs.money``."""
    return None if raw is None or raw == "" else raw


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description="Start paying invoices by card; returns the client secret for Stripe.js."
    )
    async def start_payment(self, info: Info, input: StartPaymentInput) -> StartPaymentPayload:
        context = info.context
        config = context.tenant_config
        try:
            request = checkout.StartPayment(
                invoice_ids=[ids.decode_id("Invoice", str(i)) for i in input.invoice_ids],
                idempotency_key=input.idempotency_key,
                amount=_amount(input.amount),
                plan=AllocationPlan(input.allocation.value),
            )
            started = await checkout.start_payment(context.scope, request, config.payments, context.today())
        except LedgerportError as exc:
            return StartPaymentPayload(user_errors=user_errors_from(exc))
        return StartPaymentPayload(
            payment=PaymentStart(
                id=strawberry.ID(ids.encode_id("Payment", started.payment_id)),
                client_secret=started.client_secret,
                publishable_key=started.publishable_key,
                amount=format_decimal_string(started.amount, started.currency),
                currency_code=started.currency,
            )
        )


@strawberry.enum(description="Where a card payment stands after the card was submitted.")
class PaymentState(Enum):
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    NEEDS_ACTION = "needs_action"
    DECLINED = "declined"


@strawberry.input
class ConfirmPaymentInput:
    payment_id: strawberry.ID
    card_token: str = strawberry.field(description="The token stripe.createToken made of the card.")


@strawberry.type(description="The state, and the client secret Stripe.js needs for 3-D Secure.")
class PaymentConfirmation:
    id: strawberry.ID
    state: PaymentState
    client_secret: str
    message: str


@strawberry.type
class ConfirmPaymentPayload:
    confirmation: PaymentConfirmation | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmPaymentMutation:
    @strawberry.mutation(description="Pay a started payment with a tokenised card.")
    async def confirm_payment(self, info: Info, input: ConfirmPaymentInput) -> ConfirmPaymentPayload:
        context = info.context
        config = context.tenant_config
        try:
            payment_id = ids.decode_id("Payment", str(input.payment_id))
            done = await checkout.confirm_payment(
                context.scope, payment_id, input.card_token, config.payments
            )
        except LedgerportError as exc:
            return ConfirmPaymentPayload(user_errors=user_errors_from(exc))
        return ConfirmPaymentPayload(
            confirmation=PaymentConfirmation(
                id=input.payment_id,
                state=PaymentState(done.state),
                client_secret=done.client_secret,
                message=done.message,
            )
        )
