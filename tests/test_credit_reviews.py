"""Periodic credit reviews: due by rating from each tenant's file, the overdue alert, completing a
review (a new limit goes through the approvals), on both engines and two tenants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.alerts import service as alerts
from app.audit import service as audit
from app.credit import limits, reviews
from app.credit import repository as credit_repository
from app.db.scoping import scoped
from app.errors import LedgerportError
from app.inputs.dates import add_months
from app.models import Alert
from app.models.enums import AlertStatus, ApprovalState, RiskRating
from tests import builders as b
from tests.approvals_world import Staff

# 31 January in Chicago: months later land on shorter months' last days.
JAN_31 = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


def test_months_are_calendar_months_ending_on_the_shorter_months_last_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 12, 31), 3) == date(2027, 3, 31)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


async def test_reviews_fall_due_by_rating_and_alert_when_overdue(scope_a, scope_b, registry):
    northwind, cloudly = registry.require("northwind").config, registry.require("cloudly").config
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    safe = await b.customer(scope_a, "Safe Ltd")
    risky = await b.customer(scope_a, "Risky Ltd")
    other = await b.customer(scope_b, "Kunde AG", currency="EUR")
    with clock.frozen(JAN_31):
        await reviews.complete(staff.credit, northwind, safe.id, RiskRating.A, "Strong balance sheet")
        done = await reviews.complete(
            staff.credit, northwind, risky.id, RiskRating.E, "Losses two years running"
        )
        # Cloudly reviews a B every 12 months (Northwind every 18).
        await reviews.complete(staff_b.credit, cloudly, other.id, RiskRating.B, "Fine")
        assert (
            await code_of(reviews.complete(staff_b.credit, cloudly, risky.id, RiskRating.A, "x"))
            == "not_found"
        )
        assert (
            await code_of(reviews.complete(staff.sales, northwind, risky.id, RiskRating.A, "x"))
            == "forbidden"
        )

    customers = {c.id: c for c in await scoped_customers(scope_a)}
    assert customers[safe.id].credit_next_review == date(2028, 1, 31)
    assert customers[risky.id].credit_next_review == date(2026, 4, 30)
    assert (customers[risky.id].risk_rating, done.review.rating) == (RiskRating.E, RiskRating.E)
    assert (await credit_repository.customer(scope_b, other.id)).credit_next_review == date(2027, 1, 31)
    assert [c.id for c in (await reviews.due(scope_a, date(2026, 4, 29), 0, 10))[0]] == []
    assert [c.id for c in (await reviews.due(scope_a, date(2026, 4, 30), 0, 10))[0]] == [risky.id]
    assert (await reviews.due(scope_b, date(2026, 4, 30), 0, 10))[1] == 0

    await alerts.evaluate(scope_a, northwind, date(2026, 4, 30))
    assert await overdue_alerts(scope_a) == []  # due today is not overdue yet
    await alerts.evaluate(scope_a, northwind, date(2026, 5, 1))
    [alert] = await overdue_alerts(scope_a)
    assert (alert.customer_id, alert.due_on) == (risky.id, date(2026, 4, 30))
    await alerts.evaluate(scope_b, cloudly, date(2026, 5, 1))
    assert await overdue_alerts(scope_b) == []

    with clock.frozen(datetime(2026, 5, 2, 15, 0, tzinfo=UTC)):
        await reviews.complete(staff.credit, northwind, risky.id, RiskRating.D, "Improving")
    await alerts.evaluate(scope_a, northwind, date(2026, 5, 2))
    assert await overdue_alerts(scope_a) == []
    completed = (await audit.recent(scope_a, action="credit_review.completed"))[0]
    assert completed.details["before"] == {"rating": "E", "next_review": "2026-04-30"}
    assert completed.details["after"] == {"rating": "D", "next_review": "2026-11-02"}


async def test_a_review_with_a_new_limit_opens_a_request_and_changes_no_limit_by_itself(
    scope_a, scope_b, registry
):
    northwind = registry.require("northwind").config
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000, risk_rating=RiskRating.C)
    with clock.frozen(JAN_31):
        done = await reviews.complete(
            staff.credit, northwind, cust.id, RiskRating.B, "Growing", new_limit=2_000_000
        )
        assert done.limit_request.state == ApprovalState.PENDING
        assert (await credit_repository.customer(scope_a, cust.id)).credit_limit == 1_000_000
        # The reviewer asked: someone else approves.
        assert (
            await code_of(limits.approve(staff.credit, northwind, done.limit_request.id)) == "self_approval"
        )
    with clock.frozen(datetime(2026, 2, 10, 15, 0, tzinfo=UTC)):
        await limits.approve(staff.credit2, northwind, done.limit_request.id)
    after = await credit_repository.customer(scope_a, cust.id)
    # The approved change is a review too: the next one falls due 18 months (rating B) after it.
    assert (after.credit_limit, after.credit_next_review) == (2_000_000, date(2027, 8, 10))


async def scoped_customers(scope):
    from app.models import CustomerAccount

    return await scoped(CustomerAccount, scope)


async def overdue_alerts(scope) -> list[Alert]:
    return list(
        await scoped(Alert, scope).filter(rule="credit_review_overdue").exclude(status=AlertStatus.RESOLVED)
    )
