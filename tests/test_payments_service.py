"""The payment service: allocation plans, exactly-once recording, refunds and racing payments."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.models.enums import PaymentMethod, StaffRole
from app.payments import repository, service
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentRequest
from app.scope import Scope
from tests import payments_data as data

TODAY = date(2026, 6, 1)


def wire(
    customer_id: int, amount: int, key: str, invoice_ids=(), plan=AllocationPlan.OLDEST_FIRST, currency="USD"
):
    return PaymentRequest(
        customer_id=customer_id,
        amount=amount,
        currency=currency,
        received_date=TODAY,
        method=PaymentMethod.WIRE,
        external_id=key,
        plan=plan,
        invoice_ids=list(invoice_ids),
    )


async def world(scope_a, scope_b):
    acme = await data.customer(scope_a, "acme")
    early = await data.invoice(scope_a, acme, "INV-1", 10_000, date(2026, 3, 1))
    late = await data.invoice(scope_a, acme, "INV-2", 5_000, date(2026, 4, 1))
    other = await data.customer(scope_b, "zeta", "EUR")
    foreign = await data.invoice(scope_b, other, "INV-1", 7_000, date(2026, 3, 1))
    return acme, early, late, foreign


async def test_given_two_invoices_when_paying_oldest_first_then_the_earliest_due_is_paid_first(
    db, scope_a, scope_b
):
    acme, early, late, foreign = await world(scope_a, scope_b)

    await service.record_manual_payment(scope_a, wire(acme.id, 12_000, "wire-1", [late.id, early.id]))

    assert await data.open_amounts(scope_a, early, late) == [0, 3_000]
    assert await data.open_amounts(scope_b, foreign) == [7_000]


async def test_given_two_invoices_when_paying_as_selected_then_the_order_given_wins(db, scope_a, scope_b):
    acme, early, late, _ = await world(scope_a, scope_b)

    await service.record_manual_payment(
        scope_a, wire(acme.id, 12_000, "wire-1", [late.id, early.id], AllocationPlan.AS_SELECTED)
    )

    assert await data.open_amounts(scope_a, early, late) == [3_000, 0]


async def test_given_more_than_is_open_when_paying_then_the_excess_is_unapplied(db, scope_a, scope_b):
    acme, early, late, _ = await world(scope_a, scope_b)

    payment = await service.record_manual_payment(scope_a, wire(acme.id, 20_000, "wire-1"))

    assert await data.open_amounts(scope_a, early, late) == [0, 0]
    allocated = sum(a.amount for a in await repository.allocations_of(scope_a, [payment.id]))
    assert (payment.amount, allocated) == (20_000, 15_000)


async def test_given_a_repeated_external_id_when_recording_again_then_it_is_applied_once(
    db, scope_a, scope_b
):
    acme, early, late, _ = await world(scope_a, scope_b)

    first = await service.record_manual_payment(scope_a, wire(acme.id, 4_000, "wire-1"))
    again = await service.record_manual_payment(scope_a, wire(acme.id, 4_000, "wire-1"))

    assert first.id == again.id
    assert await data.open_amounts(scope_a, early, late) == [6_000, 5_000]


async def test_given_another_tenants_invoice_when_paying_it_then_it_is_not_found(db, scope_a, scope_b):
    acme, early, _, foreign = await world(scope_a, scope_b)

    with pytest.raises(NotFound):
        await service.record_manual_payment(scope_a, wire(acme.id, 1_000, "wire-1", [early.id, foreign.id]))

    assert await data.open_amounts(scope_a, early) == [10_000]
    assert await repository.payment_by(scope_a, external_id="wire-1") is None


async def test_given_a_viewer_or_a_card_method_when_recording_then_it_is_refused(db, scope_a, scope_b):
    acme, *_ = await world(scope_a, scope_b)
    viewer = Scope(scope_a.tenant_id, scope_a.tenant_slug, scope_a.kind, "v", role=StaffRole.VIEWER)

    with pytest.raises(PermissionDenied):
        await service.record_manual_payment(viewer, wire(acme.id, 1_000, "wire-1"))
    with pytest.raises(ValidationFailed):
        card = wire(acme.id, 1_000, "wire-2")
        await service.record_manual_payment(
            scope_a, card.__class__(**{**card.__dict__, "method": PaymentMethod.CARD})
        )


async def test_given_two_payments_racing_for_one_invoice_then_no_more_than_is_open_is_allocated(
    db, scope_a, scope_b, monkeypatch
):
    acme, early, _, _ = await world(scope_a, scope_b)
    read = repository.open_invoices

    async def slow_read(*args, **kwargs):
        # Hold each payment between reading what is open and writing its allocations, long enough for
        # the other to read too: without locks both would see the whole invoice open.
        found = await read(*args, **kwargs)
        await asyncio.sleep(0.3)
        return found

    monkeypatch.setattr(repository, "open_invoices", slow_read)

    await asyncio.gather(
        service.record_manual_payment(scope_a, wire(acme.id, 8_000, "wire-1", [early.id])),
        service.record_manual_payment(scope_a, wire(acme.id, 8_000, "wire-2", [early.id])),
    )

    assert await data.open_amounts(scope_a, early) == [0]
    first = await repository.payment_by(scope_a, external_id="wire-1")
    second = await repository.payment_by(scope_a, external_id="wire-2")
    allocated = [a.amount for a in await repository.allocations_of(scope_a, [first.id, second.id])]
    assert sorted(allocated) == [2_000, 8_000]


async def test_given_a_payment_when_refunded_then_unapplied_goes_first_and_allocations_are_reversed(
    db, scope_a, scope_b
):
    acme, early, late, _ = await world(scope_a, scope_b)
    payment = await service.record_manual_payment(scope_a, wire(acme.id, 16_000, "wire-1"))

    await service.reverse_for_refund(scope_a, payment, 3_000, TODAY, "refund:1")
    assert await data.open_amounts(scope_a, early, late) == [0, 2_000]
    await service.reverse_for_refund(scope_a, payment, 3_000, TODAY, "refund:1")
    await service.reverse_for_refund(scope_a, payment, 16_000, TODAY, "refund:2")

    assert await data.open_amounts(scope_a, early, late) == [10_000, 5_000]
    assert await repository.refunded_total(scope_a, payment.id) == 16_000
