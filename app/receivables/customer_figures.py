"""One customer's receivables in one currency, as of a date: what statements and the portal print.

These are the dashboard's own queries (``app.receivables.repository``) narrowed to one customer, so a
statement, the portal and the staff API can never disagree. No permission is checked here: callers
(documents, portal) check the caller's access first, and the scope's tenant and customer restriction
still apply to every query.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from app.customers.filters import CustomerFilter
from app.invoices.items import OpenItem, open_item_of
from app.receivables import repository
from app.receivables.buckets import buckets_from_edges
from app.receivables.repository import GroupBy
from app.scope import Scope


def _one(customer_id: int) -> CustomerFilter:
    return CustomerFilter(customer_ids=frozenset({customer_id}))


async def open_items(
    scope: Scope, customer_id: int, as_of: date, currency: str | None = None
) -> list[OpenItem]:
    """Open invoices (non-zero open amount as of ``as_of``), oldest due first."""
    rows = await repository.open_items_of(scope, customer_id, as_of)
    return [open_item_of(r, as_of) for r in rows if currency is None or r["currency"] == currency]


async def aging(
    scope: Scope, customer_id: int, as_of: date, edges: list[int], currency: str
) -> dict[int, int]:
    """Open amount per aging bucket index (0 = Current, then the tenant's edges); empty buckets absent."""
    rows = await repository.open_by_bucket(scope, _one(customer_id), as_of, buckets_from_edges(edges))
    out: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["currency"] == currency and row["amount"]:
            out[row["bucket"]] += row["amount"]
    return dict(out)


async def unapplied(scope: Scope, customer_id: int, as_of: date, currency: str) -> int:
    """Cash and credit on account, not applied to invoices, as of ``as_of``."""
    rows = await repository.unapplied(scope, _one(customer_id), as_of)
    return sum(r["amount"] for r in rows if r["currency"] == currency)


async def net_balances(
    scope: Scope, as_of: date, customer_ids: list[int] | None = None
) -> dict[tuple[int, str], int]:
    """Net balance (open minus unapplied) per (customer, currency) as of ``as_of``; zeros left out."""
    flt = CustomerFilter(customer_ids=frozenset(customer_ids) if customer_ids is not None else None)
    balances: dict[tuple[int, str], int] = defaultdict(int)
    buckets = buckets_from_edges([1])  # one CASE suffices: only the per-customer sum is used
    for row in await repository.open_by_bucket(scope, flt, as_of, buckets, GroupBy.CUSTOMER):
        balances[(int(row["grp"]), row["currency"])] += row["amount"]
    for row in await repository.unapplied(scope, flt, as_of, GroupBy.CUSTOMER):
        balances[(int(row["grp"]), row["currency"])] -= row["amount"]
    return {key: amount for key, amount in balances.items() if amount != 0}
