"""A contact's payments: the list with what each paid, and one payment's receipt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.errors import NotFound
from app.portal import repository
from app.portal.access import MAX_PAGE, account, check_read
from app.scope import Scope


@dataclass(frozen=True)
class PaymentView:
    id: int
    received_date: date
    amount: int
    currency: str
    method: str
    reference: str
    allocations: list[dict] = field(default_factory=list)


async def payments(scope: Scope, customer_id: int, first: int = 20, offset: int = 0) -> list[PaymentView]:
    await account(scope, customer_id)
    rows = await repository.payments(scope, customer_id, max(1, min(first, MAX_PAGE)), max(0, offset))
    allocations = await repository.allocations_of(scope, [r["id"] for r in rows])
    return [_payment_view(r, allocations) for r in rows]


async def payment(scope: Scope, payment_id: int) -> tuple[int, PaymentView]:
    """(customer id, the payment with its allocations): the receipt of one payment."""
    row = await repository.payment(scope, payment_id)
    if row is None:
        raise NotFound("payment not found")
    check_read(scope, row["customer_id"])
    return row["customer_id"], _payment_view(row, await repository.allocations_of(scope, [payment_id]))


def _payment_view(r: dict, allocations: list[dict]) -> PaymentView:
    return PaymentView(
        id=r["id"],
        received_date=r["received_date"],
        amount=r["amount"],
        currency=r["currency"],
        method=str(r["method"]),
        reference=r["reference"] or r["external_id"],
        allocations=[a for a in allocations if a["payment_id"] == r["id"]],
    )
