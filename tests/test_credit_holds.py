"""Which customers are on credit hold: the one read dunning, the worklist and the portal share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from app.audit import service as audit
from app.credit import holds
from app.credit import jobs as credit_jobs
from app.credit.holds import held_customer_ids
from app.errors import LedgerportError
from app.models.enums import CreditHoldSource, KycStatus
from tests import builders as b
from tests.approvals_world import Staff


async def test_a_customer_is_held_while_any_of_its_holds_is_unreleased(scope_a, scope_b):
    held = await b.customer(scope_a, "Held Ltd")
    released = await b.customer(scope_a, "Released Ltd")
    twice = await b.customer(scope_a, "Twice Ltd")
    never = await b.customer(scope_a, "Never Ltd")
    await b.credit_hold(scope_a, held)
    await b.credit_hold(scope_a, released, released=True)
    await b.credit_hold(scope_a, twice, released=True)
    await b.credit_hold(scope_a, twice, reason="KYC expired")
    other = await b.customer(scope_b, "Other tenant's held customer")
    await b.credit_hold(scope_b, other)

    assert await held_customer_ids(scope_a) == {held.id, twice.id}
    assert await held_customer_ids(scope_a, [held.id, released.id, never.id]) == {held.id}
    assert await held_customer_ids(scope_a, []) == set()
    # Another tenant's hold is not seen, even when its customer id is asked for.
    assert await held_customer_ids(scope_a, [other.id]) == set()
    assert await held_customer_ids(scope_b) == {other.id}


NOW = datetime(2026, 6, 15, 15, 0, tzinfo=UTC)


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


async def test_placing_and_releasing_a_hold_keeps_who_why_and_when(scope_a, scope_b):
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    cust = await b.customer(scope_a, "Acme Parts")
    with clock.frozen(NOW):
        assert await code_of(holds.place(staff.sales, cust.id, "Late")) == "forbidden"
        assert await code_of(holds.place(staff.credit, cust.id, " ")) == "required"
        assert await code_of(holds.place(staff_b.credit, cust.id, "Late")) == "not_found"
        hold = await holds.place(staff.credit, cust.id, "Cheque bounced twice")
        assert await code_of(holds.place(staff.finance, cust.id, "Again")) == "already_on_hold"
    assert await held_customer_ids(scope_a) == {cust.id}
    assert (hold.placed_by, hold.placed_at, hold.source) == (
        staff.credit.principal,
        NOW,
        CreditHoldSource.MANUAL,
    )

    assert await code_of(holds.release(staff_b.credit, hold.id, "Paid")) == "not_found"
    assert await code_of(holds.release(staff.finance, hold.id, "")) == "required"
    with clock.frozen(NOW + timedelta(days=2)):
        released = await holds.release(staff.finance, hold.id, "Paid by wire")
    assert await code_of(holds.release(staff.credit, hold.id, "Paid")) == "already_released"

    assert (released.released_by, released.release_reason) == (staff.finance.principal, "Paid by wire")
    assert released.released_at == NOW + timedelta(days=2)
    assert await held_customer_ids(scope_a) == set()
    events = [e.action for e in await audit.recent(scope_a) if e.action.startswith("credit_hold.")]
    assert events == ["credit_hold.released", "credit_hold.placed"]
    [placed] = [e for e in await audit.recent(scope_a, action="credit_hold.placed")]
    assert placed.details["before"] is None and placed.details["after"]["reason"] == "Cheque bounced twice"


async def test_the_sweep_places_holds_by_each_tenants_rules_once(scope_a, scope_b, registry):
    northwind, cloudly = registry.require("northwind").config, registry.require("cloudly").config
    # Northwind: more than 10 % over the limit, KYC failed or expired, two broken promises.
    over = await b.customer(scope_a, "Over Ltd", credit_limit=100_000)
    await b.invoice(scope_a, over, 110_001, "2026-05-01", "2026-05-31")
    at_edge = await b.customer(scope_a, "Edge Ltd", credit_limit=100_000)
    await b.invoice(scope_a, at_edge, 110_000, "2026-05-01", "2026-05-31")  # exactly 10 %: not more
    kyc = await b.customer(scope_a, "Kyc Ltd", kyc_status=KycStatus.REJECTED)
    overdue_review = await b.customer(scope_a, "Review Ltd", kyc_next_review=b.d("2026-06-14"))
    promises = await b.customer(scope_a, "Promises Ltd")
    await b.promise(scope_a, promises, 100, "2026-05-01", status="broken")
    await b.promise(scope_a, promises, 100, "2026-06-01")  # open, date passed: broken too
    one_promise = await b.customer(scope_a, "Once Ltd")
    await b.promise(scope_a, one_promise, 100, "2026-05-01", status="broken")
    # Cloudly holds on KYC only.
    kyc_b = await b.customer(scope_b, "Kunde AG", currency="EUR", kyc_status=KycStatus.EXPIRED)
    over_b = await b.customer(scope_b, "Über AG", currency="EUR", credit_limit=100)
    await b.invoice(scope_b, over_b, 100_000, "2026-05-01", "2026-05-31", currency="EUR")

    with clock.frozen(NOW):
        placed_a = (await credit_jobs.sweep(scope_a, northwind))["holds_placed"]
        placed_b = (await credit_jobs.sweep(scope_b, cloudly))["holds_placed"]
        again = (await credit_jobs.sweep(scope_a, northwind))["holds_placed"]

    assert (placed_a, placed_b, again) == (4, 1, 0)
    assert await held_customer_ids(scope_a) == {over.id, kyc.id, overdue_review.id, promises.id}
    assert await held_customer_ids(scope_b) == {kyc_b.id}
    found = await holds.holds_of(scope_a, [over.id, kyc.id, promises.id])
    assert [h.source for h in found[over.id]] == [CreditHoldSource.OVER_LIMIT]
    assert found[over.id][0].reason.startswith("Exposure 1100.01 USD is more than 10 % over")
    assert (found[kyc.id][0].source, found[kyc.id][0].placed_by) == (
        CreditHoldSource.KYC,
        "rule:credit_holds",
    )
    assert found[promises.id][0].reason == "2 broken promises to pay"
