"""Starting a card payment from the portal: checks, then one Stripe PaymentIntent per "pay" click.

The contact must be a payer or admin of the account the invoices belong to; the invoices must be its own,
open and in one currency. The intent is created on the tenant's Stripe account for a Stripe customer
reused per customer account, with metadata naming tenant, customer, invoices and the allocation plan (the
webhook allocates from it), and with Stripe's idempotency key: a double click returns the same intent. The
payment is recorded as pending; only ``payment_intent.succeeded`` allocates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import stripe
from tortoise.exceptions import IntegrityError

from app.auth.permissions import require_contact
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.money import parse_amount
from app.models import Payment
from app.models.enums import PaymentMethod, PaymentStatus
from app.money import from_minor, to_minor
from app.payments import repository
from app.payments.allocation import AllocationPlan, OpenInvoice
from app.payments.stripe_gateway import (
    StripeAccount,
    account_for,
    client_for,
    provider_errors,
    to_stripe_amount,
)
from app.scope import Scope
from app.tenancy.config import PaymentsConfig


@dataclass(frozen=True)
class StartPayment:
    invoice_ids: list[int]
    idempotency_key: str
    #: As the contact wrote it (``app.inputs.money``) or, from code, a ``Decimal``; None: the open total.
    amount: str | Decimal | None = None
    plan: AllocationPlan = AllocationPlan.OLDEST_FIRST


@dataclass(frozen=True)
class StartedPayment:
    payment_id: int
    payment_intent_id: str
    client_secret: str
    publishable_key: str
    amount: int
    currency: str


def _invalid(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


async def _payable_invoices(scope: Scope, invoice_ids: list[int]) -> list[OpenInvoice]:
    if not invoice_ids:
        raise _invalid("choose at least one invoice", "required", "invoiceIds")
    invoices = await repository.open_invoices(scope, invoice_ids=invoice_ids)
    if len(invoices) != len(set(invoice_ids)):
        raise NotFound("invoice not found", field="invoiceIds")
    customers = {i.customer_id for i in invoices}
    for customer_id in customers:
        require_contact(scope, "portal.pay", customer_id)
    if len(customers) > 1:
        raise _invalid("pay one account's invoices at a time", "several_accounts", "invoiceIds")
    if len({i.currency for i in invoices}) > 1:
        raise _invalid("the invoices must be in one currency", "currency_mismatch", "invoiceIds")
    closed = [i.number for i in invoices if i.open_amount <= 0]
    if closed:
        raise _invalid(f"nothing is open on {', '.join(closed)}", "invoice_not_open", "invoiceIds")
    return invoices


def _amount(request: StartPayment, invoices: list[OpenInvoice], config: PaymentsConfig) -> int:
    currency = invoices[0].currency
    open_total = sum(i.open_amount for i in invoices)
    if request.amount is None:
        return open_total
    raw = request.amount if isinstance(request.amount, str) else format(request.amount, "f")
    amount = parse_amount(raw, currency, "amount")
    total = from_minor(open_total, currency)
    if amount > open_total:
        raise _invalid(
            f"the amount is above the open total of {total} {currency}", "above_open_total", "amount"
        )
    if amount < open_total and not config.allow_partial:
        raise _invalid(f"pay the open total of {total} {currency}", "partial_not_allowed", "amount")
    minimum = min(to_minor(config.minimum_amount, currency), open_total)
    if amount < minimum or amount <= 0:
        shown = from_minor(minimum, currency)
        raise _invalid(f"the smallest payment is {shown} {currency}", "below_minimum", "amount")
    return amount


async def _stripe_customer(scope: Scope, client, customer_id: int) -> str:
    account = await repository.customer(scope, customer_id)
    if account.stripe_customer_id:
        return account.stripe_customer_id
    created = await client.v1.customers.create_async(
        params={
            "name": account.legal_name,
            "metadata": {"tenant": scope.tenant_slug, "customer_id": str(customer_id)},
        },
        options={"idempotency_key": f"{scope.tenant_slug}:customer:{customer_id}"},
    )
    await repository.set_stripe_customer(scope, customer_id, created.id)
    return created.id


def _same_request(payment: Payment, invoices: list[OpenInvoice], amount: int, plan: AllocationPlan) -> bool:
    return (
        sorted(payment.invoice_ids or []) == sorted(i.id for i in invoices)
        and payment.amount == amount
        and payment.allocation_plan == plan.value
    )


async def _existing(scope: Scope, client, payment: Payment, account: StripeAccount) -> StartedPayment:
    intent = await client.v1.payment_intents.retrieve_async(payment.stripe_payment_intent_id)
    return StartedPayment(
        payment.id, intent.id, intent.client_secret, account.publishable_key, payment.amount, payment.currency
    )


def _ordered(request: StartPayment, invoices: list[OpenInvoice]) -> list[int]:
    return [i.id for i in invoices] if request.plan == AllocationPlan.OLDEST_FIRST else request.invoice_ids


async def _create_intent(
    scope: Scope, client, request: StartPayment, invoices: list[OpenInvoice], amount: int, key: str
):
    """The PaymentIntent (and, the first time, the Stripe customer) for a checked request."""
    customer_id, currency = invoices[0].customer_id, invoices[0].currency
    return await client.v1.payment_intents.create_async(
        params={
            "amount": to_stripe_amount(amount, currency),
            "currency": currency.lower(),
            "customer": await _stripe_customer(scope, client, customer_id),
            "payment_method_types": ["card"],
            "metadata": {
                "tenant": scope.tenant_slug,
                "customer_id": str(customer_id),
                "invoice_ids": ",".join(str(i) for i in _ordered(request, invoices)),
                "invoice_numbers": ",".join(i.number for i in invoices),
                "allocation": request.plan.value,
            },
        },
        options={"idempotency_key": f"{scope.tenant_slug}:{key}"},
    )


async def start_payment(
    scope: Scope, request: StartPayment, config: PaymentsConfig, today: date
) -> StartedPayment:
    """Check the request and create (or find again) its PaymentIntent; nothing is allocated yet.

    The tenant's Stripe keys are needed only after every check passed, so a caller naming someone
    else's invoices learns "not found" whether or not the tenant takes cards."""
    invoices = await _payable_invoices(scope, request.invoice_ids)
    amount = _amount(request, invoices, config)
    customer_id, currency = invoices[0].customer_id, invoices[0].currency
    if not request.idempotency_key or len(request.idempotency_key) > 64:
        raise _invalid("an idempotency key of 1 to 64 characters is required", "invalid", "idempotencyKey")
    key = f"{scope.principal_id}:{request.idempotency_key}"
    account = account_for(config)
    client = client_for(account)
    existing = await repository.payment_by(scope, idempotency_key=key)
    if existing is not None:
        if not _same_request(existing, invoices, amount, request.plan):
            raise Conflict("this idempotency key was used for another payment", field="idempotencyKey")
        with provider_errors("starting the payment", nothing_charged=True):
            return await _existing(scope, client, existing, account)
    with provider_errors("starting the payment", nothing_charged=True):
        intent = await _create_intent(scope, client, request, invoices, amount, key)
    try:
        payment = await repository.insert_payment(
            scope,
            customer_id=customer_id,
            external_id=intent.id,
            stripe_payment_intent_id=intent.id,
            idempotency_key=key,
            amount=amount,
            currency=currency,
            received_date=today,
            method=PaymentMethod.CARD,
            status=PaymentStatus.PENDING,
            allocation_plan=request.plan.value,
            invoice_ids=_ordered(request, invoices),
            reference=", ".join(i.number for i in invoices),
        )
    except IntegrityError:  # a second click raced this one and won: answer with its intent
        payment = await repository.payment_by(scope, idempotency_key=key) or await repository.payment_by(
            scope, external_id=intent.id
        )
        with provider_errors("starting the payment", nothing_charged=True):
            return await _existing(scope, client, payment, account)
    return StartedPayment(
        payment.id, intent.id, intent.client_secret, account.publishable_key, amount, currency
    )


@dataclass(frozen=True)
class Confirmation:
    """Where a card payment stands after the card was submitted: ``succeeded``, ``processing``,
    ``needs_action`` (the bank wants 3-D Secure in the browser) or ``declined`` (with the bank's reason)."""

    state: str
    payment_id: int
    client_secret: str
    message: str = ""


STATES = {"succeeded": "succeeded", "processing": "processing", "requires_action": "needs_action"}


async def confirm_payment(
    scope: Scope, payment_id: int, card_token: str, config: PaymentsConfig
) -> Confirmation:
    """Attach the card Stripe.js tokenised to the payment's intent and confirm it on the server.

    The browser never sees the secret key; it only turns card details into a token with the publishable
    key (``stripe.createToken``). The result is a state for the pay page; the money is recorded by the
    ``payment_intent.succeeded`` webhook (through the same payment service), never by this call."""
    payment = await repository.payment(scope, payment_id)
    if payment is None or payment.stripe_payment_intent_id is None:
        raise NotFound("payment not found", field="paymentId")
    require_contact(scope, "portal.pay", payment.customer_id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return Confirmation("succeeded", payment.id, "")
    client = client_for(account_for(config))
    intent_id = payment.stripe_payment_intent_id
    with provider_errors("confirming the payment"):
        try:
            token = await client.v1.tokens.retrieve_async(card_token)
            await client.v1.payment_intents.update_async(intent_id, params={"payment_method": token.card.id})
            intent = await client.v1.payment_intents.confirm_async(intent_id)
        except stripe.CardError as exc:
            return Confirmation("declined", payment.id, "", exc.user_message or "The card was declined.")
        except stripe.InvalidRequestError as exc:
            if "token" in str(exc).lower() or exc.http_status == 404:
                raise ValidationFailed(
                    "the card details were not accepted", code="invalid_card", field="cardToken"
                ) from None
            raise
    state = STATES.get(intent.status, "declined")
    message = "" if state != "declined" else "The card was declined."
    return Confirmation(state, payment.id, intent.client_secret, message)


async def payable_invoices(scope: Scope, customer_id: int) -> list[OpenInvoice]:
    """The account's invoices with something open, earliest due first, for the pay page."""
    require_contact(scope, "portal.pay", customer_id)
    return [i for i in await repository.open_invoices(scope, customer_id=customer_id) if i.open_amount > 0]


@dataclass(frozen=True)
class Receipt:
    payment: Payment
    #: (invoice number, amount applied) in the order applied.
    applied: list[tuple[str, int]]
    unapplied: int


async def receipt(scope: Scope, payment_id: int) -> Receipt:
    """A contact's own payment with where the money went (nothing yet while it is pending)."""
    payment = await repository.payment(scope, payment_id)
    if payment is None or payment.refund_of_id is not None:
        raise NotFound("payment not found")
    allocations = await repository.allocations_of(scope, [payment.id])
    numbers = await repository.invoice_numbers(scope, [a.invoice_id for a in allocations])
    applied = [(numbers.get(a.invoice_id, ""), a.amount) for a in allocations]
    settled = payment.status == PaymentStatus.SUCCEEDED
    return Receipt(payment, applied, payment.amount - sum(a for _, a in applied) if settled else 0)
