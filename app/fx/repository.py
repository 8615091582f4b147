"""FX rate rows of the caller's tenant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.db.scoping import scoped
from app.db.sql import fetch_all
from app.models import FxRate
from app.scope import Scope


async def latest_rate(scope: Scope, currency: str, on: date) -> Decimal | None:
    """The rate dated on or before ``on`` with the latest date, or None."""
    row = await scoped(FxRate, scope).filter(currency=currency, date__lte=on).order_by("-date").first()
    return None if row is None else Decimal(row.rate)


async def latest_rates(scope: Scope, on: date) -> dict[str, Decimal]:
    """Every currency's latest rate dated on or before ``on`` (one query, for page-wide conversion)."""
    rows = await fetch_all(
        """
SELECT f.currency, f.rate FROM fx_rate f
WHERE f.tenant_id = :tenant_id
  AND f.date = (SELECT MAX(g.date) FROM fx_rate g
                WHERE g.tenant_id = :tenant_id AND g.currency = f.currency AND g.date <= :on)""",
        {"tenant_id": scope.tenant_id, "on": on},
    )
    return {r["currency"]: Decimal(str(r["rate"])) for r in rows}
