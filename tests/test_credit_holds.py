"""Which customers are on credit hold: the one read dunning, the worklist and the portal share."""

from __future__ import annotations

from app.credit.holds import held_customer_ids
from tests import builders as b


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
