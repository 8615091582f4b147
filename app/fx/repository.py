"""FX rate rows of the caller's tenant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.db.scoping import scoped
from app.models import FxRate
from app.scope import Scope


async def latest_rate(scope: Scope, currency: str, on: date) -> Decimal | None:
    """The rate dated on or before ``on`` with the latest date, or None."""
    row = await scoped(FxRate, scope).filter(currency=currency, date__lte=on).order_by("-date").first()
    return None if row is None else Decimal(row.rate)
