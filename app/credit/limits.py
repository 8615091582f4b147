"""Credit limit requests: asked for by sales, credit or finance staff, approved by the tenant's routing.

The limit is in the tenant's base currency (like a credit control area in an ERP). The request is
routed by the new limit (``up_to``) and by the increase over the current one (``increase_up_to``). On
the last approval the limit changes at once, or on its effective date when that is still to come: the
``credit.sweep`` job (app/credit/jobs.py) applies those. Either way the change writes a credit review
(who asked, who approved, old and new limit, the rating at the time) and an audit line with before and
after, and is applied once: ``mark_applied`` is conditional, so a job that runs twice changes nothing.

A temporary limit (``valid_until``, the last day it holds) goes back to the limit it replaced when the
tenant's date passes that day: the sweep's ``revert_expired``, once per request (``reverted_at``), with
its own credit review and audit line. If another decision changed the limit meanwhile, that decision
stands and the request is only marked reverted. Every applied or reverted limit emits
``credit.limit_changed``; the request's papers are stored through ``app.credit.documents``.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from app import clock
from app.approvals import engine
from app.approvals import repository as approvals_repository
from app.approvals.routing import route
from app.audit import service as audit
from app.auth.permissions import require
from app.credit import documents, events, onboarding, repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.dates import add_months
from app.inputs.money import check_minor
from app.inputs.text import check_text
from app.models import ApprovalRequest
from app.models.enums import ApprovalKind, ReviewStatus
from app.scope import Scope
from app.tenancy.config import TenantConfig

KIND = ApprovalKind.CREDIT_LIMIT


def required_reason(reason: str | None) -> str:
    text = check_text(reason or "", "reason", 2000, multiline=True).strip()
    if not text:
        raise ValidationFailed("say why", field="reason", code="required")
    return text


async def request_limit(
    scope: Scope,
    tenant: TenantConfig,
    customer_id: int,
    limit: int,
    reason: str,
    effective_on: date | None = None,
    valid_until: date | None = None,
    attachments: list[documents.File] | None = None,
) -> ApprovalRequest:
    """Ask for ``customer_id``'s limit to become ``limit`` (base currency, minor units), until
    ``valid_until`` when given, with its papers (``attachments``)."""
    require(scope, "credit.request")
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("customer not found")
    base = tenant.base_currency
    check_minor(limit, base, "limit")
    reason = required_reason(reason)
    if effective_on is not None and effective_on < tenant.today():
        raise ValidationFailed("the effective date is in the past", field="effectiveOn", code="date_in_past")
    if valid_until is not None:
        if valid_until < tenant.today():
            raise ValidationFailed("the end date is in the past", field="validUntil", code="date_in_past")
        if effective_on is not None and valid_until < effective_on:
            raise ValidationFailed(
                "a temporary limit ends on or after the day it starts",
                field="validUntil",
                code="before_effective_date",
            )
    files = documents.check_files(tenant, attachments or [])
    current = customer.credit_limit
    if current == limit:
        raise ValidationFailed("that is the current limit already", field="limit", code="unchanged")
    async with in_transaction():
        if await engine.pending_for_customer(scope, KIND, customer_id) is not None:
            raise Conflict(
                "a credit limit request for this customer is waiting already: decide or withdraw it first",
                code="pending_request_exists",
            )
        chosen = route(tenant.approvals.credit_limit, limit, base, increase=limit - (current or 0))
        row = await engine.open_request(
            scope,
            tenant,
            engine.NewRequest(
                kind=KIND,
                customer_id=customer_id,
                amount=limit,
                currency=base,
                reason=reason,
                route=chosen,
                payload={"previous_limit": current, "limit": limit, "rating": str(customer.risk_rating)},
                effective_on=effective_on,
                valid_until=valid_until,
            ),
        )
        await documents.attach_to_request(scope, customer_id, row.id, files)
        return row


async def _on_approved(scope: Scope, tenant: TenantConfig, row: ApprovalRequest) -> None:
    if row.effective_on is None or row.effective_on <= tenant.today():
        await apply(scope, tenant, row)


async def approve(scope: Scope, tenant: TenantConfig, request_id: int, note: str = "") -> ApprovalRequest:
    return await engine.approve(scope, tenant, request_id, KIND, _on_approved, note)


async def reject(scope: Scope, tenant: TenantConfig, request_id: int, reason: str) -> ApprovalRequest:
    return await engine.reject(scope, tenant, request_id, KIND, reason)


async def withdraw(scope: Scope, request_id: int, reason: str = "") -> ApprovalRequest:
    return await engine.withdraw(scope, request_id, KIND, reason)


async def apply(scope: Scope, tenant: TenantConfig, row: ApprovalRequest) -> bool:
    """Make an approved request's limit the customer's, once; inside the caller's transaction."""
    now = clock.now()
    if await approvals_repository.mark_applied(scope, row.id, now) == 0:
        return False
    customer = await repository.customer(scope, row.customer_id)
    if customer is None:  # deleted since: nothing to change
        return False
    before = customer.credit_limit
    await repository.set_credit_limit(scope, row.customer_id, row.amount)
    if row.valid_until is not None:  # what to go back to when it ends: the limit it replaced
        await approvals_repository.merge_payload(scope, row.id, {**row.payload, "replaced_limit": before})
    # An approved limit change is a credit review: the periodic one falls due again from today.
    months = tenant.credit_reviews.interval_months[str(customer.risk_rating)]
    await repository.update_customer(
        scope, row.customer_id, credit_next_review=add_months(tenant.today(), months)
    )
    approvers = [a.approver for a in await approvals_repository.approvals_of(scope, row.id)]
    review = await repository.add_credit_review(
        scope,
        customer_id=row.customer_id,
        requested_limit=row.amount,
        approved_limit=row.amount,
        rating=customer.risk_rating,
        status=ReviewStatus.APPROVED,
        requested_by=row.requested_by,
        approver=", ".join(approvers)[:254],
        decided_at=now,
        note=f"Credit limit request {row.id}: {row.reason}",
    )
    await audit.record(
        scope,
        "credit_limit.changed",
        target_type="customer",
        target_id=row.customer_id,
        details={
            "before": {"credit_limit": before},
            "after": {"credit_limit": row.amount},
            "approval_request": row.id,
            "credit_review": review.id,
            "approvers": approvers,
            "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        },
    )
    await events.limit_changed(
        scope, customer, row.currency, before, row.amount, row.id, "approved", row.valid_until
    )
    await onboarding.on_limit_applied(scope, row.customer_id)
    return True


async def apply_due(scope: Scope, tenant: TenantConfig) -> int:
    """Apply every approved limit whose effective date has come (the tenant's today); how many."""
    applied = 0
    for row in await approvals_repository.due_to_apply(scope, KIND, tenant.today()):
        async with in_transaction():
            applied += await apply(scope, tenant, row)
    return applied


async def revert(scope: Scope, tenant: TenantConfig, row: ApprovalRequest) -> bool:
    """Put back the limit a temporary one replaced, once; inside the caller's transaction."""
    now = clock.now()
    if await approvals_repository.mark_reverted(scope, row.id, now) == 0:
        return False
    customer = await repository.customer(scope, row.customer_id)
    if customer is None:
        return False
    back_to = (row.payload or {}).get("replaced_limit", (row.payload or {}).get("previous_limit"))
    before = customer.credit_limit
    superseded = before != row.amount
    if not superseded:
        await repository.set_credit_limit(scope, row.customer_id, back_to)
        review = await repository.add_credit_review(
            scope,
            customer_id=row.customer_id,
            requested_limit=back_to,
            approved_limit=back_to,
            rating=customer.risk_rating,
            status=ReviewStatus.APPROVED,
            requested_by=row.requested_by,
            approver="system: temporary limit ended",
            decided_at=now,
            note=f"Temporary limit of request {row.id} ended on {row.valid_until.isoformat()}",
        )
    await audit.record(
        scope,
        "credit_limit.temporary_ended" if superseded else "credit_limit.changed",
        target_type="customer",
        target_id=row.customer_id,
        details={
            "before": {"credit_limit": before},
            "after": {"credit_limit": before if superseded else back_to},
            "approval_request": row.id,
            "valid_until": row.valid_until.isoformat(),
            "superseded": superseded,
            "credit_review": None if superseded else review.id,
        },
    )
    if not superseded:
        await events.limit_changed(scope, customer, row.currency, before, back_to, row.id, "expired")
    return True


async def revert_expired(scope: Scope, tenant: TenantConfig) -> int:
    """Temporary limits whose last day is before the tenant's today: back to the limit before; how many."""
    reverted = 0
    for row in await approvals_repository.temporary_ended(scope, KIND, tenant.today()):
        async with in_transaction():
            reverted += await revert(scope, tenant, row)
    return reverted
