"""KYC reviews: the tenant's checklist, outcomes by the compliance role, four eyes in Cloudly, and a
failed review putting the account on hold where the tenant file says so; both engines, two tenants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.credit import kyc
from app.credit import repository as credit_repository
from app.credit.holds import held_customer_ids
from app.errors import LedgerportError
from app.models.enums import KycStatus
from tests import builders as b
from tests.approvals_world import Staff

NOW = datetime(2026, 6, 15, 15, 0, tzinfo=UTC)
NORTHWIND_ITEMS = ["company_identity", "beneficial_owners", "sanctions_screening", "documents_valid"]


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


async def test_a_review_passes_with_every_item_checked_and_sets_the_next_review(scope_a, scope_b, registry):
    northwind = registry.require("northwind").config
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    cust = await b.customer(scope_a)
    with clock.frozen(NOW):
        assert await code_of(kyc.start(staff.credit, northwind, cust.id)) == "forbidden"
        assert await code_of(kyc.start(staff_b.compliance, northwind, cust.id)) == "not_found"
        review = await kyc.start(staff.compliance, northwind, cust.id)
        assert await code_of(kyc.start(staff.compliance2, northwind, cust.id)) == "kyc_review_open"
        assert [i["key"] for i in review.checklist] == NORTHWIND_ITEMS
        assert (await credit_repository.customer(scope_a, cust.id)).kyc_status == KycStatus.IN_REVIEW

        short = kyc.complete(staff.compliance, northwind, review.id, "pass", NORTHWIND_ITEMS[:3])
        assert await code_of(short) == "checklist_incomplete"
        assert (
            await code_of(kyc.complete(staff.compliance, northwind, review.id, "pass", ["x"]))
            == "invalid_choice"
        )
        asked = await kyc.complete(
            staff.compliance, northwind, review.id, "needs_information", NORTHWIND_ITEMS[:3]
        )
        assert asked.status == KycStatus.PENDING
        # Northwind decides with one person: the earlier ticks stay, the last one completes the list.
        passed = await kyc.complete(
            staff.compliance, northwind, review.id, "pass", ["documents_valid"], "All good"
        )
        assert (
            await code_of(kyc.complete(staff.compliance2, northwind, review.id, "fail", []))
            == "already_decided"
        )

    assert (passed.status, passed.reviewer, passed.next_review) == (
        KycStatus.APPROVED, staff.compliance.principal, date(2028, 6, 15),
    )  # fmt: skip
    customer = await credit_repository.customer(scope_a, cust.id)
    assert (customer.kyc_status, customer.kyc_next_review) == (KycStatus.APPROVED, date(2028, 6, 15))


async def test_with_four_eyes_a_second_officer_confirms_and_a_failure_places_the_hold(
    scope_a, scope_b, registry
):
    cloudly, northwind = registry.require("cloudly").config, registry.require("northwind").config
    staff, staff_a = Staff(scope_b), Staff(scope_a)
    cust = await b.customer(scope_b, "Kunde AG", currency="EUR")
    untouched = await b.customer(scope_a, "Northwind customer")
    with clock.frozen(NOW):
        review = await kyc.start(staff.compliance, cloudly, cust.id)
        assert [i["key"] for i in review.checklist] == [
            "company_identity",
            "beneficial_owners",
            "sanctions_screening",
        ]
        proposed = await kyc.complete(
            staff.compliance, cloudly, review.id, "fail", ["company_identity"], "Owner unknown"
        )
        assert (proposed.status, proposed.proposed_outcome) == (KycStatus.IN_REVIEW, "fail")
        assert await held_customer_ids(scope_b) == set(), "a proposal decides nothing"
        assert (
            await code_of(kyc.complete(staff.compliance, cloudly, review.id, "fail", [])) == "self_approval"
        )
        assert (
            await code_of(kyc.complete(staff.compliance2, cloudly, review.id, "pass", []))
            == "checklist_incomplete"
        )
        assert (
            await code_of(kyc.complete(staff_a.compliance, northwind, review.id, "fail", [])) == "not_found"
        )
        decided = await kyc.complete(staff.compliance2, cloudly, review.id, "fail", [])

    assert (decided.status, decided.reviewer, decided.next_review) == (
        KycStatus.REJECTED, staff.compliance2.principal, None,
    )  # fmt: skip
    assert (await credit_repository.customer(scope_b, cust.id)).kyc_status == KycStatus.REJECTED
    assert await held_customer_ids(scope_b) == {cust.id}
    assert await held_customer_ids(scope_a) == set()
    assert (await credit_repository.customer(scope_a, untouched.id)).kyc_status == KycStatus.NOT_STARTED


async def test_without_the_kyc_hold_setting_a_failure_places_no_hold(scope_a, scope_b, registry):
    northwind = registry.require("northwind").config
    no_holds = northwind.model_copy(
        update={"credit_holds": northwind.credit_holds.model_copy(update={"kyc": False})}
    )
    staff = Staff(scope_a)
    cust = await b.customer(scope_a)
    with clock.frozen(NOW):
        review = await kyc.start(staff.compliance, no_holds, cust.id)
        await kyc.complete(staff.admin, no_holds, review.id, "fail", [], "Sanctions hit")
    assert (await credit_repository.customer(scope_a, cust.id)).kyc_status == KycStatus.REJECTED
    assert await held_customer_ids(scope_a) == set()
