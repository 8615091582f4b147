"""Credit holds in the staff API: ``placeCreditHold`` / ``releaseCreditHold`` and the hold node that
``Customer.creditHolds`` (and so the collection worklist's customers) shows."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.credit import holds
from app.errors import LedgerportError
from app.models import CreditHold
from app.models.enums import CreditHoldSource
from schema.common.ids import decode_id, encode_id
from schema.errors import UserError, user_errors_from
from schema.permissions import requires

CreditHoldSourceEnum = strawberry.enum(CreditHoldSource, name="CreditHoldSource")


@strawberry.type(
    description="A credit hold: while in force, the tenant extends no more credit to the account."
)
class CreditHoldNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    source: CreditHoldSourceEnum = strawberry.field(
        description="MANUAL, or the automatic rule that placed it."
    )
    reason: str
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    released_by: str | None
    release_reason: str | None


def hold_node(row: CreditHold) -> CreditHoldNode:
    return CreditHoldNode(
        id=strawberry.ID(encode_id("CreditHold", row.id)),
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)),
        source=CreditHoldSourceEnum(row.source),
        reason=row.reason,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
        released_at=row.released_at,
        released_by=row.released_by or None,
        release_reason=row.release_reason or None,
    )


@strawberry.input
class PlaceCreditHoldInput:
    customer_id: strawberry.ID
    reason: str


@strawberry.input
class ReleaseCreditHoldInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class CreditHoldPayload:
    hold: CreditHoldNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreditHoldsMutation:
    @strawberry.mutation(
        extensions=requires("credit.hold"), description="Put a customer account on credit hold."
    )
    async def place_credit_hold(self, info: Info, input: PlaceCreditHoldInput) -> CreditHoldPayload:
        try:
            customer_id = decode_id("Customer", input.customer_id)
            row = await holds.place(info.context.scope, customer_id, input.reason)
        except LedgerportError as exc:
            if exc.code == "not_found":
                exc.field = "customerId"
            return CreditHoldPayload(user_errors=user_errors_from(exc))
        return CreditHoldPayload(hold=hold_node(row))

    @strawberry.mutation(extensions=requires("credit.hold"), description="Lift a credit hold, saying why.")
    async def release_credit_hold(self, info: Info, input: ReleaseCreditHoldInput) -> CreditHoldPayload:
        try:
            row = await holds.release(info.context.scope, decode_id("CreditHold", input.id), input.reason)
        except LedgerportError as exc:
            if exc.code == "not_found":
                exc.field = "id"
            return CreditHoldPayload(user_errors=user_errors_from(exc))
        return CreditHoldPayload(hold=hold_node(row))
