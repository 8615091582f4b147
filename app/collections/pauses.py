"""Staff pauses of dunning: a customer, or one invoice of it, held until a date or until resumed.

A pause is a row, not a flag on the customer, so the timeline and the audit log keep who paused what,
why and until when, and a resumed pause stays on record. The run reads the pauses in force on its day
(``app.collections.dunning``); a pause whose resume date has come simply stops counting.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.collections import repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.text import check_text
from app.models import DunningPause
from app.scope import Scope

MAX_REASON = 1000


async def pause(
    scope: Scope,
    *,
    customer_id: int,
    invoice_id: int | None,
    reason: str,
    resume_on: date | None,
    today: date,
) -> DunningPause:
    """Hold dunning of the customer (or of one of its invoices) until ``resume_on`` (None: until resumed)."""
    require(scope, "collections.act")
    reason = check_text(reason, "reason", MAX_REASON, multiline=True, required=True)
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer not found", field="customerId")
    if invoice_id is not None and await repository.invoice_customer(scope, invoice_id) != customer_id:
        raise NotFound("invoice not found on this customer", field="invoiceId")
    if resume_on is not None and resume_on <= today:
        raise ValidationFailed("resume on a later day than today", field="resumeOn", code="not_in_future")
    async with in_transaction():
        row = await repository.add_pause(
            scope,
            customer_id=customer_id,
            invoice_id=invoice_id,
            reason=reason,
            resume_on=resume_on,
            paused_by=scope.principal,
        )
        await audit.record(
            scope,
            "dunning.pause",
            target_type="CustomerAccount",
            target_id=customer_id,
            details={
                "pause_id": row.id,
                "invoice_id": invoice_id,
                "resume_on": resume_on and resume_on.isoformat(),
            },
        )
    return row


async def resume(scope: Scope, pause_id: int) -> DunningPause:
    """End a pause now: the next run duns what it held again."""
    require(scope, "collections.act")
    found = await repository.pause(scope, pause_id)
    if found is None:
        raise NotFound("pause not found", field="id")
    async with in_transaction():
        if not await repository.end_pause(scope, pause_id, clock.now(), scope.principal):
            raise Conflict("this pause was resumed already", field="id")
        await audit.record(
            scope, "dunning.resume", target_type="CustomerAccount", target_id=found.customer_id,
            details={"pause_id": pause_id},
        )  # fmt: skip
    return await repository.pause(scope, pause_id)
