"""Promises to pay: a contact says when it will pay some of its account's invoices."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require_contact
from app.errors import NotFound, ValidationFailed
from app.models.enums import PromiseStatus
from app.portal import repository
from app.portal.access import account, today_in
from app.scope import Scope
from app.tenancy.config import TenantConfig
from app.webhooks import payloads
from app.webhooks.events import emit


async def promise_to_pay(
    scope: Scope,
    customer_id: int,
    tenant: TenantConfig,
    invoice_ids: list[int],
    promised_date: date,
    amount: int,
    origin: Origin = NO_ORIGIN,
):
    """Record a promise to pay ``amount`` by ``promised_date`` on some of the account's invoices."""
    require_contact(scope, "portal.promise", customer_id)
    customer = await account(scope, customer_id)
    found = await repository.open_invoice_ids(scope, customer_id, invoice_ids)
    if not invoice_ids or len(set(found)) != len(set(invoice_ids)):
        raise NotFound("invoice not found")
    if promised_date < today_in(tenant):
        raise ValidationFailed("the promised date is in the past", field="date")
    if amount <= 0:
        raise ValidationFailed("the amount must be more than zero", field="amount")
    invoices = sorted(set(found))
    # One transaction: the promise, its invoices, its audit line and its webhook event, or none of them.
    async with in_transaction():
        promise = await repository.add_promise(
            scope,
            invoices,
            customer_id=customer_id,
            promised_date=promised_date,
            amount=amount,
            currency=customer.currency,
            status=PromiseStatus.OPEN,
            created_by=scope.principal,
        )
        await audit.record(
            scope, "promise.created", target_type="promise", target_id=promise.id, origin=origin
        )
        await emit(scope, "promise.created", payloads.promise(promise, invoices))
    return promise
