"""The customer filter every receivables figure, list and export accepts.

One filter for all of them is what makes drill-down work: a breakdown row is the same query with a
narrower filter, and an export shows exactly what the screen showed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerFilter:
    """Which customer accounts a figure covers; ``None`` fields do not restrict."""

    search: str | None = None  # part of the legal name or the account number, case-insensitive
    region: str | None = None
    segment: str | None = None
    country: str | None = None
    risk_rating: str | None = None
    sales_owner: str | None = None
    kyc_status: str | None = None
    currency: str | None = None  # the account's currency
    customer_ids: frozenset[int] | None = None


NO_FILTER = CustomerFilter()
