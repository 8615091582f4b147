"""Write-off requests through the approvals engine, booked by the ERP ingest on the last approval.

Two tenants on both engines: routing by the amount in the base currency (a EUR invoice in the USD
tenant converts at the day's rate), never more than is open, and a write-off that no longer fits when
it is approved changes no row at all (the approval is not recorded either)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import clock
from app.approvals import engine
from app.credit import repository as credit_repository
from app.credit import write_offs
from app.errors import LedgerportError
from app.invoices import service as invoices
from app.models.enums import ApprovalState
from tests import builders as b
from tests.approvals_world import Staff
from tests.input_world import snapshot

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


async def open_amount(scope, invoice_id) -> int:
    with clock.frozen(NOW):
        return (await invoices.get_invoice(scope, invoice_id, b.d("2026-06-15"))).open_amount


async def test_given_an_approved_write_off_then_ingest_books_it_and_the_invoice_is_open_for_less(
    scope_a, scope_b, northwind, cloudly
):
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 100_000, "2026-03-01", "2026-03-31")
    other = await b.customer(scope_b, currency="EUR")
    inv_b = await b.invoice(scope_b, other, 100_000, "2026-03-01", "2026-03-31", currency="EUR")
    with clock.frozen(NOW):
        request = await write_offs.request_write_off(staff.collections, northwind, inv.id, 60_000, "Bankrupt")
        assert request.required_approvals == 1 and request.invoice_id == inv.id
        assert await code_of(write_offs.approve(staff.collections, northwind, request.id)) == "forbidden"
        assert await code_of(write_offs.approve(staff_b.finance, cloudly, request.id)) == "not_found"
        assert await code_of(write_offs.request_write_off(staff_b.finance, cloudly, inv.id, 100, "x")) == (
            "not_found"
        )
        done = await write_offs.approve(staff.finance, northwind, request.id)

    assert (done.state, done.applied_at is not None) == (ApprovalState.APPROVED, True)
    booked = await credit_repository.write_off_by_external_id(scope_a, f"approval:{request.id}")
    assert (booked.amount, booked.date, booked.invoice_id) == (60_000, b.d("2026-06-15"), inv.id)
    assert await open_amount(scope_a, inv.id) == 40_000
    assert await open_amount(scope_b, inv_b.id) == 100_000


async def test_given_more_than_open_then_the_request_is_refused(scope_a, scope_b, northwind):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 100_000, "2026-03-01", "2026-03-31")
    await b.payment(scope_a, cust, 30_000, "2026-04-01", allocate=[(inv, 30_000, "2026-04-01")])
    with clock.frozen(NOW):
        assert await code_of(write_offs.request_write_off(staff.finance, northwind, inv.id, 70_001, "x")) == (
            "amount_over_open"
        )
        assert await code_of(write_offs.request_write_off(staff.finance, northwind, inv.id, 0, "x")) == (
            "must_be_positive"
        )
        assert await code_of(write_offs.request_write_off(staff.finance, northwind, inv.id, 100, " ")) == (
            "required"
        )
        assert (
            await write_offs.request_write_off(staff.finance, northwind, inv.id, 70_000, "x")
        ).amount == 70_000


async def test_given_the_open_amount_fell_since_the_request_then_approval_is_refused_and_changes_no_row(
    scope_a, scope_b, northwind
):
    staff = Staff(scope_a)
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 100_000, "2026-03-01", "2026-03-31")
    with clock.frozen(NOW):
        first = await write_offs.request_write_off(staff.collections, northwind, inv.id, 60_000, "Short paid")
        second = await write_offs.request_write_off(staff.credit, northwind, inv.id, 60_000, "Damaged goods")
        await write_offs.approve(staff.finance, northwind, first.id)
        before = await snapshot(scope_a, scope_b)

        assert await code_of(write_offs.approve(staff.finance2, northwind, second.id)) == "amount_over_open"

        assert await snapshot(scope_a, scope_b) == before
        still = await engine.get(staff.finance2, second.id)
    assert (still.state, still.approvals_given, still.applied_at) == (ApprovalState.PENDING, 0, None)
    assert await open_amount(scope_a, inv.id) == 40_000


async def test_a_foreign_invoice_routes_by_its_amount_in_the_base_currency(
    scope_a, scope_b, northwind, cloudly
):
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    cust = await b.customer(scope_a, currency="EUR")
    await b.fx_rate(scope_a, "EUR", "2026-06-01", "1.10")
    inv = await b.invoice(scope_a, cust, 1_000_000, "2026-03-01", "2026-03-31", currency="EUR")
    other = await b.customer(scope_b, currency="EUR")
    inv_b = await b.invoice(scope_b, other, 1_000_000, "2026-03-01", "2026-03-31", currency="EUR")
    with clock.frozen(NOW):
        # EUR 4,545.45 is USD 4,999.995 -> 5,000.00: up to 5,000 one finance approval; a cent more, two.
        at_edge = await write_offs.request_write_off(staff.collections, northwind, inv.id, 454_545, "a")
        above = await write_offs.request_write_off(staff.collections, northwind, inv.id, 454_546, "b")
        # Cloudly (EUR): up to 1,000.00 one approval, above two of finance / admin.
        small = await write_offs.request_write_off(staff_b.collections, cloudly, inv_b.id, 100_000, "c")
        large = await write_offs.request_write_off(staff_b.collections, cloudly, inv_b.id, 100_001, "d")

    assert [r.required_approvals for r in (at_edge, above, small, large)] == [1, 2, 1, 2]
    assert above.each_role and not large.each_role
    await write_offs.approve(staff.finance, northwind, above.id)
    assert await code_of(write_offs.approve(staff.finance, northwind, above.id)) == "already_approved"
    with clock.frozen(NOW):
        done = await write_offs.approve(staff.admin, northwind, above.id)
    assert done.state == ApprovalState.APPROVED
    assert await credit_repository.write_off_by_external_id(scope_a, f"approval:{above.id}") is not None
    assert await credit_repository.write_off_by_external_id(scope_b, f"approval:{above.id}") is None
