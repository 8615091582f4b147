"""KYC reviews started in Ledgerport: the tenant's checklist, an outcome by the compliance role, and
four eyes where the tenant file says so.

``start`` copies the ``[kyc]`` checklist into the review (a later change of the file does not alter a
review under way). ``complete`` ticks the checklist and gives an outcome: ``needs_information`` sends
it back to the customer (status pending), ``pass`` (every item checked) or ``fail`` decides it. With
``four_eyes`` the first pass or fail is a proposal; a second, different person confirms it with the
same outcome, which makes it final. The customer's KYC status and next review date follow the outcome,
and a failed review puts the account on credit hold at once when ``[credit_holds] kyc`` is set (the
hourly sweep would too; a compliance officer should not wait for it). Every change is conditional on
the state it read, so two officers confirming at once decide once.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from tortoise.transactions import in_transaction

from app.audit import service as audit
from app.auth.permissions import require
from app.credit import documents, events, holds, onboarding, repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.dates import add_months
from app.inputs.text import check_text
from app.models import KycReview
from app.models.enums import CreditHoldSource, KycStatus
from app.scope import Scope
from app.tenancy.config import TenantConfig

OUTCOMES = ("pass", "fail", "needs_information")
OPEN = (KycStatus.IN_REVIEW, KycStatus.PENDING)


def _view(row: KycReview) -> dict:
    return {
        "status": str(row.status),
        "proposed_outcome": row.proposed_outcome or None,
        "proposed_by": row.proposed_by or None,
        "checked": [i["key"] for i in row.checklist if i.get("done")],
        "next_review": row.next_review.isoformat() if row.next_review else None,
    }


async def start(scope: Scope, tenant: TenantConfig, customer_id: int) -> KycReview:
    require(scope, "kyc.review")
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("customer not found", field="customerId")
    async with in_transaction():
        if await repository.open_kyc_review(scope, customer_id) is not None:
            raise Conflict("a KYC review of this customer is under way already", code="kyc_review_open")
        row = await repository.add_kyc_review(
            scope,
            customer_id=customer_id,
            status=KycStatus.IN_REVIEW,
            checklist=[
                {"key": i.key, "label": i.label, "done": False, "expires": i.expires}
                for i in tenant.kyc.checklist
            ],
            started_by=scope.principal,
        )
        await repository.update_customer(scope, customer_id, kyc_status=KycStatus.IN_REVIEW)
        await onboarding.on_kyc_started(scope, customer_id)
        await audit.record(
            scope,
            "kyc_review.started",
            target_type="customer",
            target_id=customer_id,
            details={
                "kyc_review": row.id,
                "before": {"kyc_status": str(customer.kyc_status)},
                "after": _view(row),
            },
        )
    return row


async def complete(
    scope: Scope, tenant: TenantConfig, review_id: int, outcome: str, checked: list[str], notes: str = ""
) -> KycReview:
    require(scope, "kyc.review")
    notes = check_text(notes or "", "notes", 10_000, multiline=True).strip()
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome", code="invalid_choice"
        )
    async with in_transaction():
        row = await repository.kyc_review(scope, review_id)
        if row is None or not row.started_by:
            raise NotFound("KYC review not found", field="reviewId")
        if row.status not in OPEN:
            raise Conflict(f"the review is {row.status.value} already", code="already_decided")
        keys = [i["key"] for i in row.checklist]
        unknown = sorted(set(checked) - set(keys))
        if unknown:
            raise ValidationFailed(
                f"not on this review's checklist: {', '.join(unknown)}",
                field="checked",
                code="invalid_choice",
            )
        done = set(checked) | {i["key"] for i in row.checklist if i.get("done")}
        checklist = [{**i, "done": i["key"] in done} for i in row.checklist]
        missing = []
        if outcome == "pass":
            missing = [
                i["label"] for i in await documents.incomplete_items(scope, row, checklist, tenant.today())
            ]
        if missing:
            raise ValidationFailed(
                f"a review passes only with every item checked (and its documents valid); open: {'; '.join(missing)}",
                field="checked",
                code="checklist_incomplete",
            )
        expected = {"status": row.status, "proposed_outcome": row.proposed_outcome}
        values: dict = {"checklist": checklist, "notes": "\n\n".join(n for n in (row.notes, notes) if n)}
        final = False
        if outcome == "needs_information":
            values |= {"status": KycStatus.PENDING, "proposed_outcome": "", "proposed_by": ""}
        elif tenant.kyc.four_eyes and not row.proposed_outcome:
            values |= {"proposed_outcome": outcome, "proposed_by": scope.principal}
        else:
            if row.proposed_outcome:
                if row.proposed_by.casefold() == scope.principal.casefold():
                    raise Conflict(
                        "you proposed this outcome: a second person must confirm it", code="self_approval"
                    )
                if row.proposed_outcome != outcome:
                    raise Conflict(
                        f"{row.proposed_by} proposed {row.proposed_outcome}: confirm it, or ask for information",
                        code="outcome_differs",
                    )
            final = True
            today = tenant.today()
            passed = outcome == "pass"
            values |= {
                "status": KycStatus.APPROVED if passed else KycStatus.REJECTED,
                "reviewed_on": today,
                "reviewer": scope.principal,
                "next_review": add_months(today, tenant.kyc.review_months) if passed else None,
            }
        if await repository.update_kyc_review(scope, review_id, expected, **values) == 0:
            raise Conflict("the review was changed meanwhile; reload it", code="already_decided")
        after = await repository.kyc_review(scope, review_id)
        customer = await repository.customer(scope, row.customer_id)
        if outcome == "needs_information":
            await repository.update_customer(scope, row.customer_id, kyc_status=KycStatus.PENDING)
        elif final:
            await repository.update_customer(
                scope, row.customer_id, kyc_status=after.status, kyc_next_review=after.next_review
            )
            await events.kyc_completed(scope, after)
            await onboarding.on_kyc_decided(scope, row.customer_id, passed=after.status == KycStatus.APPROVED)
            if after.status == KycStatus.REJECTED and tenant.credit_holds.kyc:
                await _hold(scope, row.customer_id, review_id)
        await audit.record(
            scope,
            f"kyc_review.{'decided' if final else 'proposed' if outcome != 'needs_information' else 'needs_information'}",
            target_type="customer",
            target_id=row.customer_id,
            details={
                "kyc_review": review_id,
                "outcome": outcome,
                "before": {**_view(row), "kyc_status": str(customer.kyc_status)},
                "after": _view(after),
            },
        )
    return after


async def _hold(scope: Scope, customer_id: int, review_id: int) -> None:
    rule = Scope.system(scope.tenant_id, scope.tenant_slug, principal="rule:credit_holds")
    with contextlib.suppress(Conflict):  # held for KYC already
        await holds.place(rule, customer_id, f"KYC review {review_id} failed", CreditHoldSource.KYC)


async def get(scope: Scope, review_id: int) -> KycReview:
    require(scope, "credit.read")
    row = await repository.kyc_review(scope, review_id)
    if row is None:
        raise NotFound("KYC review not found", field="reviewId")
    return row


async def signal_due(scope: Scope, tenant: TenantConfig) -> int:
    """``kyc.review_due`` for each customer whose KYC review date is within ``alerts.kyc_due_days``
    (or passed), once per date: the marker is set conditionally in the event's transaction."""
    today = tenant.today()
    horizon = today + timedelta(days=tenant.alerts.kyc_due_days)
    sent = 0
    for row in await repository.kyc_due_unsignalled(scope, horizon):
        async with in_transaction():
            if await repository.mark_kyc_due_signalled(scope, row["id"], row["kyc_next_review"]) == 0:
                continue
            await events.kyc_review_due(
                scope, row["id"], str(row["kyc_status"]), row["kyc_next_review"], today
            )
            sent += 1
    return sent
