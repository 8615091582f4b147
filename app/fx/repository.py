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


# The currencies are walked one by one along the (tenant, currency, date) index (a "loose index scan":
# each step asks for the next currency after the last), then each gets its latest rate by one probe, so
# the read is a few index entries per currency however many years of daily rates are stored.
LATEST_RATES_SQL = """
WITH RECURSIVE currencies(currency) AS (
  SELECT MIN(f.currency) FROM fx_rate f WHERE f.tenant_id = :tenant_id
  UNION ALL
  SELECT (SELECT MIN(f.currency) FROM fx_rate f WHERE f.tenant_id = :tenant_id AND f.currency > c.currency)
  FROM currencies c WHERE c.currency IS NOT NULL
)
SELECT c.currency,
       (SELECT f.rate FROM fx_rate f
        WHERE f.tenant_id = :tenant_id AND f.currency = c.currency AND f.date <= :on
        ORDER BY f.date DESC LIMIT 1) AS rate
FROM currencies c WHERE c.currency IS NOT NULL"""


async def latest_rates(scope: Scope, on: date) -> dict[str, Decimal]:
    """Every currency's latest rate dated on or before ``on`` (one query, for page-wide conversion);
    a currency whose rates all come later has none."""
    rows = await fetch_all(LATEST_RATES_SQL, {"tenant_id": scope.tenant_id, "on": on})
    return {r["currency"]: Decimal(str(r["rate"])) for r in rows if r["rate"] is not None}


EARLIEST_RATES_SQL = (
    "SELECT currency, MIN(date) AS first_date FROM fx_rate WHERE tenant_id = :tenant_id GROUP BY currency"
)


async def earliest_rates(scope: Scope) -> dict[str, date]:
    """Each currency's first rate date (one pass over the (tenant, currency, date) index): a document
    in a currency can be converted as of any date on or after its own when that is on or after this."""
    rows = await fetch_all(EARLIEST_RATES_SQL, {"tenant_id": scope.tenant_id})
    return {r["currency"]: _as_date(r["first_date"]) for r in rows}


def _as_date(value) -> date:
    # SQLite returns MIN() of a date column as its ISO text; PostgreSQL as a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
