"""The collection priority score: which customers a collector should call first, and why.

score = dunnable overdue (base currency, major units) weighted by age
        x risk weight of the rating
        x (1 + 0.10 if over the credit limit + 0.25 if a promise to pay was broken)

- Dunnable overdue: each overdue invoice's open amount minus its open disputes (metrics.md: an open
  dispute holds the disputed amount out of dunning), never below 0.
- Age weight per aging bucket: Current 0, first overdue bucket 1.0, each later bucket +0.5
  (default buckets: 1-30 1.0, 31-60 1.5, 61-90 2.0, 91-120 2.5, 121+ 3.0).
- Risk weight: A 0.8, B 0.9, C 1.0, D 1.2, E 1.5.

The same weights are used in SQL (to order customers by priority) and for the parts shown to users.
"""

from __future__ import annotations

from decimal import Decimal

from app.receivables.buckets import Bucket

RISK_WEIGHTS: dict[str, Decimal] = {
    "A": Decimal("0.8"),
    "B": Decimal("0.9"),
    "C": Decimal("1.0"),
    "D": Decimal("1.2"),
    "E": Decimal("1.5"),
}
OVER_LIMIT_BONUS = Decimal("0.10")
BROKEN_PROMISE_BONUS = Decimal("0.25")


def age_weight(bucket: Bucket) -> Decimal:
    return Decimal(0) if bucket.index == 0 else Decimal(1) + Decimal("0.5") * (bucket.index - 1)


def age_weights_sql(buckets: list[Bucket]) -> dict[int, str]:
    """Bucket index -> SQL literal of its weight, for ``bucket_case``."""
    return {b.index: str(age_weight(b)) for b in buckets}


def risk_weight_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{rating}' THEN {weight}" for rating, weight in RISK_WEIGHTS.items())
    return f"(CASE {column} {whens} ELSE 1.0 END)"


def score(weighted_overdue: Decimal, rating: str, over_limit: bool, broken_promise: bool) -> Decimal:
    """The score from its parts (``weighted_overdue`` in base major units)."""
    bonus = (
        Decimal(1) + (OVER_LIMIT_BONUS if over_limit else 0) + (BROKEN_PROMISE_BONUS if broken_promise else 0)
    )
    return weighted_overdue * RISK_WEIGHTS.get(rating, Decimal(1)) * bonus
