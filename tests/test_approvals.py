"""The approvals engine through credit limit requests: routing, four eyes, final decisions, races,
effective dates. Two tenants (Northwind in USD, Cloudly in EUR with other thresholds) on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from app.approvals import engine
from app.audit import service as audit
from app.credit import jobs as credit_jobs
from app.credit import limits
from app.credit import repository as credit_repository
from app.db.scoping import scoped
from app.errors import LedgerportError
from app.jobs import repository as jobs_repository
from app.models import Alert, Membership, StaffUser
from app.models.enums import ApprovalState, RiskRating
from tests import builders as b
from tests.approvals_world import Staff

NOW = datetime(2026, 6, 15, 15, 0, tzinfo=UTC)


@pytest.fixture
def northwind(registry):
    return registry.require("northwind").config


@pytest.fixture
def cloudly(registry):
    return registry.require("cloudly").config


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


async def limit_of(scope, customer_id) -> int | None:
    return (await credit_repository.customer(scope, customer_id)).credit_limit


@pytest.mark.parametrize(
    ("limit", "tier", "approvals"),
    [
        (5_000_000, 0, 1),  # exactly 50,000.00: the first tier is "up to and including"
        (5_000_001, 1, 2),
        (25_000_000, 1, 2),
        (25_000_001, 2, 2),
    ],
)
async def test_given_northwind_thresholds_when_requesting_at_each_boundary_then_the_tier_routes(
    scope_a, scope_b, northwind, cloudly, limit, tier, approvals
):
    staff_a, staff_b = Staff(scope_a), Staff(scope_b)
    cust_a = await b.customer(scope_a, credit_limit=1_000_000)
    cust_b = await b.customer(scope_b, currency="EUR", credit_limit=1_000_000)
    with clock.frozen(NOW):
        request = await limits.request_limit(staff_a.sales, northwind, cust_a.id, limit, "Grows fast")
        # Cloudly routes the same amount by its own file: up to 25,000.00 one approval, above two.
        other = await limits.request_limit(staff_b.sales, cloudly, cust_b.id, limit, "Grows fast")

    assert (request.tier, request.required_approvals) == (tier, approvals)
    assert (other.tier, other.required_approvals) == ((0, 1) if limit <= 2_500_000 else (1, 2))
    assert request.state == ApprovalState.PENDING
    assert request.sla_due == NOW + timedelta(hours=48)
    # The other tenant's request does not exist for this one.
    assert await code_of(engine.get(staff_a.credit, other.id)) == "not_found"
    assert await code_of(limits.approve(staff_a.credit, northwind, other.id)) == "not_found"


async def test_given_a_request_when_its_requester_or_a_second_time_the_same_approver_approves_then_refused(
    scope_a, scope_b, northwind
):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    # 100,000.00: credit AND finance must each approve.
    request = await limits.request_limit(staff.credit, northwind, cust.id, 10_000_000, "New contract")

    assert await code_of(limits.approve(staff.credit, northwind, request.id)) == "self_approval"
    await limits.approve(staff.credit2, northwind, request.id)
    assert await code_of(limits.approve(staff.credit2, northwind, request.id)) == "already_approved"
    # The second slot belongs to finance: another credit analyst's approval would not count.
    assert await code_of(limits.approve(staff.admin, northwind, request.id)) == "not_allowed_for_role"
    assert await code_of(limits.approve(staff.collections, northwind, request.id)) == "forbidden"
    assert await limit_of(scope_a, cust.id) == 1_000_000, "no change before the last approval"

    done = await limits.approve(staff.finance, northwind, request.id)

    assert done.state == ApprovalState.APPROVED
    assert done.applied_at is not None
    assert await limit_of(scope_a, cust.id) == 10_000_000
    [review] = await credit_repository.credit_reviews(scope_a, cust.id)
    assert (review.requested_limit, review.approved_limit, review.rating) == (
        10_000_000,
        10_000_000,
        RiskRating.C,
    )
    assert review.requested_by == staff.credit.principal
    assert review.approver == f"{staff.credit2.principal}, {staff.finance.principal}"
    # Final: nobody decides it again.
    assert await code_of(limits.approve(staff.admin, northwind, request.id)) == "already_decided"
    assert await code_of(limits.reject(staff.admin, northwind, request.id, "no")) == "already_decided"
    [changed] = await audit.recent(scope_a, action="credit_limit.changed")
    assert changed.details["before"] == {"credit_limit": 1_000_000}
    assert changed.details["after"] == {"credit_limit": 10_000_000}
    assert await audit.recent(scope_b, action="credit_limit.changed") == []


async def test_given_a_rejected_request_then_nothing_changes_and_a_reason_is_required(
    scope_a, scope_b, northwind
):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    request = await limits.request_limit(staff.credit, northwind, cust.id, 3_000_000, "Seasonal peak")

    assert await code_of(limits.reject(staff.credit2, northwind, request.id, "  ")) == "required"
    assert await code_of(limits.reject(staff.credit, northwind, request.id, "mine")) == "self_approval"
    assert await code_of(limits.reject(staff.sales, northwind, request.id, "no")) == "forbidden"
    rejected = await limits.reject(staff.credit2, northwind, request.id, "Payments are late already")

    assert rejected.state == ApprovalState.REJECTED
    assert rejected.decision_note == "Payments are late already"
    assert await limit_of(scope_a, cust.id) == 1_000_000
    assert await credit_repository.credit_reviews(scope_a, cust.id) == []
    assert await code_of(limits.approve(staff.admin, northwind, request.id)) == "already_decided"
    [event] = await audit.recent(scope_a, action="credit_limit.rejected")
    assert (event.details["before"]["state"], event.details["after"]["state"]) == ("pending", "rejected")


async def test_given_a_pending_request_then_only_its_requester_withdraws_it(scope_a, scope_b, northwind):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a)
    request = await limits.request_limit(staff.sales, northwind, cust.id, 2_000_000, "First order")

    assert await code_of(limits.request_limit(staff.credit, northwind, cust.id, 3_000_000, "x")) == (
        "pending_request_exists"
    )
    assert await code_of(limits.withdraw(staff.credit, request.id)) == "not_requester"
    withdrawn = await limits.withdraw(staff.sales, request.id, "Customer went elsewhere")

    assert withdrawn.state == ApprovalState.WITHDRAWN
    assert await code_of(limits.approve(staff.credit, northwind, request.id)) == "already_decided"
    assert await limit_of(scope_a, cust.id) is None


async def test_given_two_approvers_racing_on_the_last_approval_then_one_decision_and_one_limit_change(
    scope_a, scope_b, northwind
):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    # Above 250,000.00: two of credit / finance / admin.
    request = await limits.request_limit(staff.sales, northwind, cust.id, 40_000_000, "Group guarantee")
    await limits.approve(staff.credit, northwind, request.id)

    outcomes = await asyncio.gather(
        limits.approve(staff.finance, northwind, request.id),
        limits.approve(staff.admin, northwind, request.id),
        return_exceptions=True,
    )

    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and won[0].state == ApprovalState.APPROVED
    assert [getattr(e, "code", repr(e)) for e in lost] == ["already_decided"]
    final = await engine.get(staff.credit, request.id)
    assert (final.approvals_given, final.state) == (2, ApprovalState.APPROVED)
    assert len(await credit_repository.credit_reviews(scope_a, cust.id)) == 1
    assert len(await audit.recent(scope_a, action="credit_limit.changed")) == 1
    assert await limit_of(scope_a, cust.id) == 40_000_000


async def test_given_a_future_effective_date_then_the_limit_changes_on_that_day_once(
    scope_a, scope_b, northwind, cloudly
):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    other = await b.customer(scope_b, currency="EUR", credit_limit=500_000)
    with clock.frozen(NOW):
        request = await limits.request_limit(
            staff.sales, northwind, cust.id, 2_000_000, "From July", effective_on=b.d("2026-07-01")
        )
        approved = await limits.approve(staff.credit, northwind, request.id)
        assert (approved.state, approved.applied_at) == (ApprovalState.APPROVED, None)
        assert await limit_of(scope_a, cust.id) == 1_000_000
        assert await limits.apply_due(scope_a, northwind) == 0

    # 30 June 23:30 in Chicago is already 1 July in UTC: not yet the tenant's effective date.
    with clock.frozen(datetime(2026, 7, 1, 4, 30, tzinfo=UTC)):
        assert await limits.apply_due(scope_a, northwind) == 0
    with clock.frozen(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)):
        assert await credit_jobs.sweep(scope_a, northwind) == {
            "limits_applied": 1,
            "limits_reverted": 0,
            "escalated": 0,
            "holds_placed": 0,
            "kyc_due_signalled": 0,
        }
        assert await limits.apply_due(scope_a, northwind) == 0, "applied once, however often the job runs"
        assert await credit_jobs.sweep(scope_b, cloudly) == {
            "limits_applied": 0,
            "limits_reverted": 0,
            "escalated": 0,
            "holds_placed": 0,
            "kyc_due_signalled": 0,
        }

    assert await limit_of(scope_a, cust.id) == 2_000_000
    assert len(await credit_repository.credit_reviews(scope_a, cust.id)) == 1
    assert await limit_of(scope_b, other.id) == 500_000


async def test_the_inbox_lists_what_the_caller_may_decide_oldest_first_never_their_own(
    scope_a, scope_b, northwind, cloudly
):
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    first, second, third = [await b.customer(scope_a, credit_limit=1_000_000) for _ in range(3)]
    await b.customer(scope_b, currency="EUR")
    with clock.frozen(NOW):
        small = await limits.request_limit(staff.sales, northwind, first.id, 3_000_000, "a")
    with clock.frozen(NOW.replace(hour=16)):
        medium = await limits.request_limit(staff.sales, northwind, second.id, 10_000_000, "b")
        own = await limits.request_limit(staff.credit, northwind, third.id, 2_000_000, "c")
    other_customer = (await b.customer(scope_b, currency="EUR")).id
    await limits.request_limit(staff_b.sales, cloudly, other_customer, 2_000_000, "d")

    async def inbox(scope):
        rows, total = await engine.inbox(scope, 0, 50)
        assert total == len(rows)
        return [r.id for r in rows]

    assert await inbox(staff.credit) == [small.id, medium.id]
    assert await inbox(staff.credit2) == [small.id, medium.id, own.id]
    assert await inbox(staff.finance) == [medium.id]
    assert await inbox(staff.admin) == []
    await limits.approve(staff.credit2, northwind, medium.id)
    # The approval slot left is finance's: credit analysts no longer see it.
    assert await inbox(staff.credit) == [small.id]
    assert await inbox(staff.finance) == [medium.id]
    assert len(await inbox(staff_b.credit)) == 1


async def test_given_a_request_past_its_sla_then_the_sweep_alerts_and_reminds_its_deciders_once(
    scope_a, scope_b, northwind, cloudly
):
    staff = Staff(scope_a)
    for email, role in (("cora@northwind.example", "credit"), ("fay@northwind.example", "finance")):
        user, _ = await StaffUser.get_or_create(email=email)
        await Membership.create(tenant_id=scope_a.tenant_id, user=user, role=role)
    cust = await b.customer(scope_a, "Acme Parts", credit_limit=1_000_000)
    other = await b.customer(scope_b, currency="EUR")
    with clock.frozen(NOW):
        request = await limits.request_limit(staff.sales, northwind, cust.id, 3_000_000, "Big order")
        await limits.request_limit(Staff(scope_b).sales, cloudly, other.id, 3_000_000, "Big order")

    with clock.frozen(NOW + timedelta(hours=47, minutes=59)):
        assert (await credit_jobs.sweep(scope_a, northwind))["escalated"] == 0
    with clock.frozen(NOW + timedelta(hours=48)):
        assert await credit_jobs.sweep(scope_a, northwind) == {
            "limits_applied": 0,
            "limits_reverted": 0,
            "escalated": 1,
            "holds_placed": 0,
            "kyc_due_signalled": 0,
        }
        assert await credit_jobs.sweep(scope_a, northwind) == {
            "limits_applied": 0,
            "limits_reverted": 0,
            "escalated": 0,
            "holds_placed": 0,
            "kyc_due_signalled": 0,
        }

    [alert] = await scoped(Alert, scope_a).filter(rule="approval_past_sla")
    assert (alert.customer_id, alert.details["approval_request"]) == (cust.id, request.id)
    assert alert.details["waiting_for"] == ["credit"]
    reminders = await jobs_repository.of_kind(scope_a, "email.send")
    # Only the credit analyst may decide this tier: the controller is not reminded.
    assert [j.args["to"] for j in reminders] == ["cora@northwind.example"]
    assert reminders[0].args["values"]["customer"] == "Acme Parts"
    assert await scoped(Alert, scope_b).filter(rule="approval_past_sla").count() == 0
    assert (await engine.get(staff.credit, request.id)).escalated_at == NOW + timedelta(hours=48)
