"""Portal mutations on the contact and its accounts: details, billing, disputes, promises to pay.

Each takes one ``input`` and returns a payload with ``userErrors``; a role that may not do it gets a
``forbidden`` user error, an account or invoice outside the contact's scope ``not_found``.
"""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from app.disputes import service as disputes
from app.errors import LedgerportError
from app.inputs.money import parse_amount
from app.portal import access as portal_access
from app.portal import details as portal_details
from app.portal import invoices as portal_invoices
from app.portal import promises as portal_promises
from schema.common import ids
from schema.common.money import Money
from schema.errors import UserError, user_errors_from
from schema.portal.mutations_common import origin_of, tenant_of


def minor(amount: str, currency: str, field: str = "amount") -> int:
    """An amount the contact typed, read like every amount of the API (``app.inputs.money``)."""
    return parse_amount(amount, currency, field, positive=True)


@strawberry.type
class ContactDetails:
    email: str
    name: str
    phone: str


@strawberry.input
class UpdateContactDetailsInput:
    name: str
    phone: str = ""


@strawberry.type
class UpdateContactDetailsPayload:
    contact: ContactDetails | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BillingDetails:
    address: str
    tax_id: str
    billing_email: str


@strawberry.input
class UpdateBillingDetailsInput:
    account_id: strawberry.ID
    address: str
    tax_id: str = ""
    billing_email: str = ""


@strawberry.type
class UpdateBillingDetailsPayload:
    billing_details: BillingDetails | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class DisputeInvoiceInput:
    invoice_id: strawberry.ID
    amount: str = strawberry.field(description='The disputed amount in the invoice currency, e.g. "120.00".')
    reason_code: str = strawberry.field(description=f"One of: {', '.join(disputes.REASON_CODES)}")
    message: str = ""


@strawberry.type
class PortalDispute:
    id: strawberry.ID
    invoice_id: strawberry.ID | None
    amount: Money
    reason_code: str
    status: str
    opened_on: datetime.date


@strawberry.type
class DisputeInvoicePayload:
    dispute: PortalDispute | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PromiseToPayInput:
    account_id: strawberry.ID
    invoice_ids: list[strawberry.ID]
    date: datetime.date
    amount: str = strawberry.field(description='In the account currency, e.g. "500.00".')


@strawberry.type
class PromiseToPay:
    id: strawberry.ID
    date: datetime.date
    amount: Money
    status: str


@strawberry.type
class PromiseToPayPayload:
    promise: PromiseToPay | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def dispute_of(d) -> PortalDispute:
    return PortalDispute(
        id=strawberry.ID(ids.encode_id("Dispute", d.id)),
        invoice_id=strawberry.ID(ids.encode_id("Invoice", d.invoice_id)) if d.invoice_id else None,
        amount=Money.of(d.amount, d.currency),
        reason_code=d.reason_code,
        status=d.status.value,
        opened_on=d.opened_on,
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Change your own name and phone number.")
    async def update_contact_details(
        self, info: Info, input: UpdateContactDetailsInput
    ) -> UpdateContactDetailsPayload:
        context = info.context
        try:
            d = await portal_details.update_contact_details(
                context.scope, input.name, input.phone, origin_of(context)
            )
        except LedgerportError as exc:
            return UpdateContactDetailsPayload(user_errors=user_errors_from(exc))
        return UpdateContactDetailsPayload(contact=ContactDetails(email=d.email, name=d.name, phone=d.phone))

    @strawberry.mutation(description="Change the account's billing details (account admins; staff are told).")
    async def update_billing_details(
        self, info: Info, input: UpdateBillingDetailsInput
    ) -> UpdateBillingDetailsPayload:
        context = info.context
        try:
            customer_id = ids.decode_id("Account", str(input.account_id))
            d = await portal_details.update_billing_details(
                context.scope,
                customer_id,
                input.address,
                input.tax_id,
                input.billing_email,
                origin_of(context),
            )
        except LedgerportError as exc:
            return UpdateBillingDetailsPayload(user_errors=user_errors_from(exc))
        return UpdateBillingDetailsPayload(
            billing_details=BillingDetails(address=d.address, tax_id=d.tax_id, billing_email=d.billing_email)
        )

    @strawberry.mutation(
        description="Dispute an amount of an invoice; it is held out of collection while open."
    )
    async def dispute_invoice(self, info: Info, input: DisputeInvoiceInput) -> DisputeInvoicePayload:
        context = info.context
        try:
            invoice_id = ids.decode_id("Invoice", str(input.invoice_id))
            detail = await portal_invoices.invoice(context.scope, invoice_id)
            dispute = await disputes.open_dispute(
                context.scope,
                tenant_of(context),
                invoice_id,
                minor(input.amount, detail.summary.currency),
                input.reason_code,
                input.message,
                origin_of(context),
            )
        except LedgerportError as exc:
            return DisputeInvoicePayload(user_errors=user_errors_from(exc))
        return DisputeInvoicePayload(dispute=dispute_of(dispute))

    @strawberry.mutation(description="Promise to pay an amount of some invoices by a date.")
    async def promise_to_pay(self, info: Info, input: PromiseToPayInput) -> PromiseToPayPayload:
        context = info.context
        try:
            customer_id = ids.decode_id("Account", str(input.account_id))
            invoice_ids = [ids.decode_id("Invoice", str(i)) for i in input.invoice_ids]
            currency = await portal_access.account_currency(context.scope, customer_id)
            promise = await portal_promises.promise_to_pay(
                context.scope,
                customer_id,
                tenant_of(context),
                invoice_ids,
                input.date,
                minor(input.amount, currency),
                origin_of(context),
            )
        except LedgerportError as exc:
            return PromiseToPayPayload(user_errors=user_errors_from(exc))
        return PromiseToPayPayload(
            promise=PromiseToPay(
                id=strawberry.ID(ids.encode_id("Promise", promise.id)),
                date=promise.promised_date,
                amount=Money.of(promise.amount, promise.currency),
                status=promise.status.value,
            )
        )
