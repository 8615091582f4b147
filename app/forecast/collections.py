"""``cash_forecast``: expected collections per week, per currency and in the base currency, from the
pay-date predictions of every open invoice (the arithmetic and its assumptions are in ``app.forecast.cash``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from app.auth.permissions import require
from app.customers.filters import CustomerFilter
from app.db.sql import as_date, as_int
from app.errors import ValidationFailed
from app.forecast import cash, repository
from app.forecast.features import Featurizer
from app.forecast.service import facts_as_of, model_for
from app.fx.service import converter
from app.invoices import prediction as baseline
from app.scope import Scope

MAX_WEEKS = 52


@dataclass(frozen=True)
class Band:
    currency: str
    low: int  # minor units
    expected: int
    high: int


@dataclass(frozen=True)
class Week:
    start: date | None  # None for "later" (after the last week)
    end: date | None
    base: Band
    by_currency: tuple[Band, ...]


@dataclass(frozen=True)
class CashForecast:
    as_of: date
    base_currency: str
    basis: str  # "model" or "baseline" (too little history for the model)
    invoices: int
    weeks: tuple[Week, ...]
    later: Week


async def cash_forecast(
    scope: Scope,
    base_currency: str,
    as_of: date,
    weeks: int,
    flt: CustomerFilter,
    today: date,
    baseline_only: bool = False,
) -> CashForecast:
    """``baseline_only``: the previous rule's point predictions, never the model (bench/forecast.py
    times the two doing the same work)."""
    require(scope, "ar.read")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationFailed(f"weeks must be between 1 and {MAX_WEEKS}", field="weeks", code="out_of_range")
    try:
        bounds = [*cash.week_starts(as_of, weeks), (None, None)]
    except OverflowError:
        raise ValidationFailed(
            "asOf is too late for this many weeks", field="asOf", code="out_of_range"
        ) from None
    rows = await repository.open_for_forecast(scope, as_of, flt)
    model = await model_for(scope, today) if rows and not baseline_only else None
    quantiles: dict[int, tuple[float, float, float]] = {}
    if model is not None:
        facts = await facts_as_of(scope, as_of, flt)
        by_id = {f.invoice_id: f for f in facts.invoices}
        targets = [(by_id[int(r["invoice_id"])], as_of, as_of) for r in rows if int(r["invoice_id"]) in by_id]
        for (inv, _, _), p in zip(targets, model.predict(Featurizer(facts), targets), strict=True):
            offset = (inv.due_date - as_of).days
            quantiles[inv.invoice_id] = (offset + p.low, offset + p.days_late, offset + p.high)
    else:
        fallback = await baseline.model_as_of(scope, as_of, flt)
        for r in rows:
            p = fallback.predict(int(r["customer_id"]), as_date(r["due_date"]), as_of)
            day = float((p.pay_date - as_of).days)
            quantiles[int(r["invoice_id"])] = (day, day, day)
    items = []
    for r in rows:
        low, mid, high = quantiles.get(int(r["invoice_id"]), (0.0, 0.0, 0.0))
        promised = (as_date(r["promised"]) - as_of).days if r["promised"] is not None else None
        amount = max(0, as_int(r["open_amount"]) - as_int(r["disputed"]))
        items.append(cash.shifted(cash.Expected(r["currency"], amount, low, mid, high), promised))
    spread = cash.spread(items, weeks)
    rates = await converter(scope, base_currency, spread.by_currency, as_of)
    out = []
    for w, (start, end) in enumerate(bounds):
        bands = []
        base_expected, base_variance = 0, 0.0
        for currency in sorted(spread.by_currency):
            totals = spread.by_currency[currency][w]
            low, expected, high = totals.band()
            bands.append(Band(currency, low, expected, high))
            base_expected += rates.convert(expected, currency)
            base_variance += totals.variance * float(rates.factor(currency)) ** 2
        half = cash.Z_80 * math.sqrt(base_variance)
        base = Band(
            base_currency, max(0, round(base_expected - half)), base_expected, round(base_expected + half)
        )
        out.append(Week(start, end, base, tuple(bands)))
    return CashForecast(
        as_of=as_of,
        base_currency=base_currency,
        basis="model" if model is not None else "baseline",
        invoices=len(rows),
        weeks=tuple(out[:-1]),
        later=out[-1],
    )
