"""What collectors did: log a call, email, meeting or note with its outcome, and what it led to (a promise
to pay, a follow-up task); and promises to pay recorded by staff (the portal records a contact's own).

Each write is one transaction with its audit event, so an activity, the promise it recorded and the
follow-up task it set exist together or not at all; a refused input changes no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.collections import repository
from app.collections.tasks import assignee_for
from app.errors import NotFound, ValidationFailed
from app.inputs.money import parse_amount
from app.inputs.text import check_text
from app.models import CollectionActivity, PromiseToPay
from app.models.enums import PromiseStatus
from app.scope import Scope
from app.webhooks import payloads
from app.webhooks.events import emit

KINDS = ("call", "email", "meeting", "note")


@dataclass(frozen=True)
class PromiseInput:
    promised_date: date
    amount: str  # a decimal string in the customer's currency (app.inputs.money)
    invoice_ids: tuple[int, ...] = ()
    note: str = ""


async def _promise(scope: Scope, customer_id: int, wanted: PromiseInput, today: date) -> PromiseToPay:
    """Validate and write a promise, and its ``promise.created`` webhook event (inside the caller's
    transaction, like the portal's: receivers hear of a promise whichever side recorded it)."""
    currency = await repository.customer_currency(scope, customer_id)
    if currency is None:
        raise NotFound("customer not found", field="customerId")
    if wanted.promised_date < today:
        raise ValidationFailed("the promised date is in the past", field="promisedDate", code="in_the_past")
    amount = parse_amount(wanted.amount, currency, "amount", positive=True)
    ids = sorted(set(wanted.invoice_ids))
    if len(await repository.open_invoice_ids(scope, customer_id, ids)) != len(ids):
        raise NotFound("invoice not found among the customer's open invoices", field="invoiceIds")
    promise = await repository.add_promise(
        scope,
        ids,
        customer_id=customer_id,
        promised_date=wanted.promised_date,
        amount=amount,
        currency=currency,
        status=PromiseStatus.OPEN,
        note=check_text(wanted.note, "note", 2000, multiline=True),
        created_by=scope.principal,
    )
    await emit(scope, "promise.created", payloads.promise(promise, ids))
    return promise


async def record_promise(scope: Scope, customer_id: int, wanted: PromiseInput, today: date) -> PromiseToPay:
    """A promise to pay a collector heard (a call, an email): it pauses dunning like one from the portal."""
    require(scope, "collections.act")
    async with in_transaction():
        promise = await _promise(scope, customer_id, wanted, today)
        await audit.record(scope, "promise.created", target_type="promise", target_id=promise.id)
    return promise


async def log_activity(
    scope: Scope,
    customer_id: int,
    *,
    kind: str,
    outcome: str,
    note: str,
    today: date,
    promise: PromiseInput | None = None,
    follow_up_on: date | None = None,
) -> CollectionActivity:
    """Record what a collector did; with ``promise`` also the promise, with ``follow_up_on`` a follow-up
    task for that day (assigned by the tenant's rule)."""
    require(scope, "collections.act")
    if kind not in KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(KINDS)}", field="kind", code="invalid_choice")
    outcome = check_text(outcome, "outcome", 200)
    note = check_text(note, "note", 10_000, multiline=True)
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer not found", field="customerId")
    if follow_up_on is not None and follow_up_on < today:
        raise ValidationFailed("the follow-up date is in the past", field="followUpOn", code="in_the_past")
    async with in_transaction():
        promised = await _promise(scope, customer_id, promise, today) if promise else None
        task = None
        if follow_up_on is not None:
            task = await repository.add_task(
                scope,
                customer_id=customer_id,
                kind="follow_up",
                title=f"Follow up: {outcome or kind}"[:200],
                due_on=follow_up_on,
                assignee=assignee_for(await repository.collectors(scope), customer_id),
            )
        activity = await repository.add_activity(
            scope,
            customer_id=customer_id,
            kind=kind,
            outcome=outcome,
            note=note,
            promise_id=promised.id if promised else None,
            task_id=task.id if task else None,
            by=scope.principal,
            at=clock.now(),
        )
        await audit.record(
            scope, "activity.logged", target_type="CustomerAccount", target_id=customer_id,
            details={"activity_id": activity.id, "kind": kind},
        )  # fmt: skip
    return activity
