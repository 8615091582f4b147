"""Temporary credit limits (``validUntil``): the approved limit holds through its last day (the tenant's
date) and the hourly sweep puts back the limit it replaced the day after, once, with a credit review
and an audit line; a limit changed by a later decision stands. And ``threshold_requires_more_approvals``:
a routed role whose share of the approvals is given cannot give the last one. Both engines, two tenants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import clock
from app.audit import service as audit
from app.credit import jobs as credit_jobs
from app.credit import limits
from app.credit import repository as credit_repository
from app.errors import LedgerportError
from app.models.enums import ApprovalState
from tests import builders as b
from tests.approvals_world import Staff


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


async def limit_of(scope, customer_id: int) -> int | None:
    return (await credit_repository.customer(scope, customer_id)).credit_limit


@pytest.mark.parametrize(
    ("requested", "last_day", "still_valid", "reverted"),
    [
        # Until 31 January: 1 February 05:59 UTC is still 31 January 23:59 in Chicago.
        (datetime(2026, 1, 20, 15, tzinfo=UTC), "2026-01-31", datetime(2026, 2, 1, 5, 59, tzinfo=UTC), datetime(2026, 2, 1, 6, 5, tzinfo=UTC)),
        # A leap day: valid through 29 February 2028, back on 1 March.
        (datetime(2028, 2, 10, 15, tzinfo=UTC), "2028-02-29", datetime(2028, 2, 29, 20, tzinfo=UTC), datetime(2028, 3, 1, 7, 5, tzinfo=UTC)),
    ],
)  # fmt: skip
async def test_a_temporary_limit_goes_back_the_day_after_its_last_day_once(
    scope_a, scope_b, registry, requested, last_day, still_valid, reverted
):
    northwind, cloudly = registry.require("northwind").config, registry.require("cloudly").config
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    other = await b.customer(scope_b, currency="EUR", credit_limit=500_000)
    with clock.frozen(requested):
        request = await limits.request_limit(
            staff.sales, northwind, cust.id, 3_000_000, "Christmas stock", valid_until=b.d(last_day)
        )
        await limits.approve(staff.credit, northwind, request.id)
        assert await limit_of(scope_a, cust.id) == 3_000_000
    with clock.frozen(still_valid):
        assert (await credit_jobs.sweep(scope_a, northwind))["limits_reverted"] == 0
        assert await limit_of(scope_a, cust.id) == 3_000_000
    with clock.frozen(reverted):
        assert (await credit_jobs.sweep(scope_a, northwind))["limits_reverted"] == 1
        assert (await credit_jobs.sweep(scope_a, northwind))["limits_reverted"] == 0, "once"
        assert (await credit_jobs.sweep(scope_b, cloudly))["limits_reverted"] == 0

    assert await limit_of(scope_a, cust.id) == 1_000_000
    assert await limit_of(scope_b, other.id) == 500_000
    back, applied = await credit_repository.credit_reviews(scope_a, cust.id)
    assert (applied.approved_limit, back.approved_limit) == (3_000_000, 1_000_000)
    assert back.approver == "system: temporary limit ended"
    changes = await audit.recent(scope_a, action="credit_limit.changed")
    assert [c.details["after"] for c in changes] == [{"credit_limit": 1_000_000}, {"credit_limit": 3_000_000}]
    assert changes[0].details["before"] == {"credit_limit": 3_000_000}


async def test_a_later_decision_outlives_the_temporary_limit_and_bad_dates_are_refused(
    scope_a, scope_b, registry
):
    northwind = registry.require("northwind").config
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    with clock.frozen(datetime(2026, 3, 10, 15, tzinfo=UTC)):
        past = limits.request_limit(
            staff.sales, northwind, cust.id, 2_000_000, "x", valid_until=b.d("2026-03-09")
        )
        assert await code_of(past) == "date_in_past"
        early = limits.request_limit(
            staff.sales, northwind, cust.id, 2_000_000, "x",
            effective_on=b.d("2026-04-01"), valid_until=b.d("2026-03-31"),
        )  # fmt: skip
        assert await code_of(early) == "before_effective_date"
        temporary = await limits.request_limit(
            staff.sales, northwind, cust.id, 2_000_000, "Fair", valid_until=b.d("2026-03-31")
        )
        await limits.approve(staff.credit, northwind, temporary.id)
        permanent = await limits.request_limit(staff.sales, northwind, cust.id, 2_500_000, "Grew")
        await limits.approve(staff.credit, northwind, permanent.id)
    with clock.frozen(datetime(2026, 4, 1, 15, tzinfo=UTC)):
        assert (await credit_jobs.sweep(scope_a, northwind))["limits_reverted"] == 1
    assert await limit_of(scope_a, cust.id) == 2_500_000, "the later decision stands"
    [ended] = await audit.recent(scope_a, action="credit_limit.temporary_ended")
    assert ended.details["superseded"] is True


async def test_a_role_whose_share_is_given_cannot_give_the_approval_the_threshold_reserves(
    scope_a, scope_b, registry
):
    northwind = registry.require("northwind").config
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    # 100,000.00: Northwind's middle tier needs credit AND finance (each_role).
    request = await limits.request_limit(staff.sales, northwind, cust.id, 10_000_000, "New contract")
    after_one = await limits.approve(staff.credit, northwind, request.id)
    assert (after_one.state, after_one.approvals_given) == (ApprovalState.PENDING, 1)

    with pytest.raises(LedgerportError) as caught:
        await limits.approve(staff.credit2, northwind, request.id)
    assert caught.value.code == "threshold_requires_more_approvals"
    assert "finance" in caught.value.message
    # A role the tier never names is still simply not allowed.
    assert await code_of(limits.approve(staff.admin, northwind, request.id)) == "not_allowed_for_role"
    assert await code_of(limits.approve(Staff(scope_b).finance, northwind, request.id)) == "not_found"
    assert await limit_of(scope_a, cust.id) == 1_000_000
    done = await limits.approve(staff.finance, northwind, request.id)
    assert done.state == ApprovalState.APPROVED
