"""Staff refunds of card payments, made through the tenant's Stripe account.

The refund is recorded from Stripe's answer with the same key the ``charge.refunded`` webhook uses
(``refund:<charge>:<cumulative amount refunded>``), so whichever arrives second changes nothing.
"""

from __future__ import annotations

from datetime import date

from app.auth.permissions import require
from app.errors import NotFound, ValidationFailed
from app.models import Payment
from app.models.enums import PaymentMethod, PaymentStatus
from app.money import from_minor
from app.payments import repository, service
from app.payments.stripe_gateway import (
    account_for,
    client_for,
    from_stripe_amount,
    provider_errors,
    to_stripe_amount,
)
from app.scope import Scope
from app.tenancy.config import PaymentsConfig


async def refund_card_payment(
    scope: Scope, payment_id: int, amount: int | None, payments: PaymentsConfig, today: date
) -> Payment:
    """Refund ``amount`` (default: all that is left) of a succeeded card payment; returns the payment."""
    require(scope, "payments.write")
    payment = await repository.payment(scope, payment_id)
    if payment is None or payment.refund_of_id is not None:
        raise NotFound("payment not found", field="paymentId")
    if payment.method != PaymentMethod.CARD or payment.status != PaymentStatus.SUCCEEDED:
        raise ValidationFailed("only succeeded card payments are refunded here", code="not_refundable")
    left = payment.amount - await repository.refunded_total(scope, payment.id)
    amount = left if amount is None else amount
    if amount <= 0 or amount > left:
        shown = from_minor(left, payment.currency)
        raise ValidationFailed(
            f"refund between 0 and {shown} {payment.currency}", code="invalid_amount", field="amount"
        )
    client = client_for(account_for(payments))
    with provider_errors("refunding the payment"):
        refund = await client.v1.refunds.create_async(
            params={
                "payment_intent": payment.stripe_payment_intent_id,
                "amount": to_stripe_amount(amount, payment.currency),
            },
            options={
                "idempotency_key": f"{scope.tenant_slug}:refund:{payment.id}:{payment.amount - left}:{amount}"
            },
        )
        charge = await client.v1.charges.retrieve_async(refund.charge)
    total = from_stripe_amount(charge.amount_refunded, payment.currency)
    await service.reverse_for_refund(scope, payment, total, today, f"refund:{charge.id}:{total}")
    return payment
