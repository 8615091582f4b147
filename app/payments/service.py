"""Listing a customer's payments (newest first) as of a date."""

from __future__ import annotations

from datetime import date

from app.auth.permissions import require
from app.models import Payment
from app.payments import repository
from app.scope import Scope


async def customer_payments(
    scope: Scope, customer_id: int, as_of: date, offset: int = 0, limit: int = 50
) -> tuple[list[Payment], int]:
    """Payments of one customer received on or before ``as_of`` and their count."""
    require(scope, "ar.read")
    return await repository.page_of_customer(scope, customer_id, as_of, offset, limit)
