"""Customer lists ordered by receivables figures, and the per-customer figures lists show.

``list_customers`` runs one query for the page (ordering and filtering by figures happen in SQL) and one
for the accounts; the nested figures (``balances_for``, ``open_invoices_for``) take many customers at once
so the GraphQL DataLoaders batch a whole page into a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from app.auth.permissions import require
from app.customers import priority, repository
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.lanes import heavy_reads
from app.db.paging import page_and_total
from app.db.sql import as_date
from app.errors import NotFound
from app.fx.service import MissingRate, all_rates
from app.invoices.items import OpenItem, open_item_of
from app.models import CustomerAccount
from app.money import exponent, round_half_even
from app.receivables import repository as ar_repository
from app.receivables import service as receivables
from app.receivables.buckets import buckets_from_edges
from app.receivables.repository import CustomerOrder
from app.receivables.service import Balances
from app.scope import Scope
from app.tenancy.config import TenantConfig


@dataclass(frozen=True)
class PriorityParts:
    """The collection priority score and what it is made of (see ``app.customers.priority``)."""

    score: Decimal  # points: base currency major units, 2 decimals
    weighted_overdue: int  # base currency minor units: dunnable overdue x age weights
    overdue: int  # base currency minor units
    risk_rating: str
    risk_weight: Decimal
    over_limit: bool
    broken_promise: bool
    disputed: int  # base currency minor units held out of dunning by open disputes
    oldest_days_past_due: int  # of the oldest overdue open invoice; 0 when nothing is overdue


@dataclass(frozen=True)
class CustomerListItem:
    """A customer of a page, with its priority when the page computed it (None: not asked for)."""

    customer: CustomerAccount
    priority: PriorityParts | None


@dataclass(frozen=True)
class CustomerBalances:
    balances: Balances
    credit_limit: int | None  # base currency minor units
    cover: int  # active letters of credit / guarantees, base currency minor units
    exposure: int  # net balance - cover (metrics.md; disputed amounts are already in the balance)

    @property
    def utilisation(self) -> Decimal | None:
        """Exposure / credit limit; None without a limit. Over limit when > 1."""
        if not self.credit_limit:
            return None
        return Decimal(self.exposure) / Decimal(self.credit_limit)


def _major(minor, currency: str) -> Decimal:
    return Decimal(str(minor or 0)).scaleb(-exponent(currency))


@heavy_reads
async def list_customers(
    scope: Scope,
    config: TenantConfig,
    *,
    as_of: date,
    flt: CustomerFilter = NO_FILTER,
    order: CustomerOrder = CustomerOrder.NAME,
    offset: int = 0,
    limit: int = 50,
    has_overdue: bool | None = None,
    over_limit: bool | None = None,
    with_priority: bool = True,
) -> tuple[list[CustomerListItem], int]:
    """A page of customers and the number of customers matching in total.

    Ordered by name with no figure filter and ``with_priority`` False, it reads accounts only: the
    GraphQL list loads priorities (``priorities_for``) only when a query selects them."""
    require(scope, "ar.read")
    named: tuple[dict[int, CustomerAccount], int] | None = None  # the name page's accounts and count
    if order == CustomerOrder.NAME and has_overdue is None and over_limit is None:
        # Nothing depends on figures: page the accounts by name first, then compute the figures of
        # that page only (index probes for 50 customers instead of aggregating the whole portfolio).
        page, name_total = await repository.page_by_name(scope, flt, offset, limit)
        if not page or not with_priority:
            return [CustomerListItem(customer=account, priority=None) for account in page], name_total
        named = {a.id: a for a in page}, name_total
        flt, offset = replace(flt, customer_ids=frozenset(named[0])), 0
    rows, total = await page_and_total(
        lambda o, n: _figure_rows(
            scope, config, flt, as_of, order, o, n, has_overdue=has_overdue, over_limit=over_limit
        ),
        offset,
        limit,
        "total",
    )
    if named is not None:
        accounts, total = named
    else:
        accounts = await repository.by_ids(scope, [r["id"] for r in rows]) if rows else {}
    items = [
        CustomerListItem(customer=accounts[r["id"]], priority=_priority_of(r, config, as_of)) for r in rows
    ]
    return items, total


async def _figure_rows(
    scope: Scope,
    config: TenantConfig,
    flt: CustomerFilter,
    as_of: date,
    order: CustomerOrder,
    offset: int,
    limit: int,
    **filters: bool | None,
) -> list[dict]:
    """One page of customers with the figures they are ordered and filtered by (one SQL statement)."""
    fx = await all_rates(scope, config.base_currency, as_of)
    buckets = buckets_from_edges(config.aging.buckets)
    rows = await ar_repository.customer_page(
        scope,
        flt,
        as_of,
        buckets,
        {c: fx.factor(c) for c in fx.rates},
        order=order,
        offset=offset,
        limit=limit,
        **filters,
        age_weights=priority.age_weights_sql(buckets),
        risk_weight_sql=priority.risk_weight_sql("r.risk_rating"),
        over_limit_bonus=priority.OVER_LIMIT_BONUS,
        broken_promise_bonus=priority.BROKEN_PROMISE_BONUS,
    )
    if rows and rows[0]["missing_currency"]:
        raise MissingRate(
            f"no {rows[0]['missing_currency']} to {config.base_currency} exchange rate on or before {as_of}",
            field="asOf",
        )
    return rows


def _priority_of(row: dict, config: TenantConfig, as_of: date) -> PriorityParts:
    base = config.base_currency
    return PriorityParts(
        score=_major(row["priority"], base).quantize(Decimal("0.01")),
        weighted_overdue=round_half_even(Decimal(str(row["weighted_overdue"]))),
        overdue=round_half_even(Decimal(str(row["overdue"]))),
        risk_rating=str(row["risk_rating"]),
        risk_weight=priority.RISK_WEIGHTS.get(str(row["risk_rating"]), Decimal(1)),
        over_limit=bool(row["is_over_limit"]),
        broken_promise=bool(row["has_broken_promise"]),
        disputed=round_half_even(Decimal(str(row["disputed"]))),
        oldest_days_past_due=(as_of - as_date(row["oldest_overdue_due"])).days
        if row["oldest_overdue_due"]
        else 0,
    )


async def priorities_for(
    scope: Scope, config: TenantConfig, customer_ids: list[int], as_of: date
) -> dict[int, PriorityParts]:
    """The priority scores of many customers at once (a DataLoader batch of a customer list that
    did not compute them): the page's figure statement alone, for those customers."""
    require(scope, "ar.read")
    if not customer_ids:
        return {}
    flt = CustomerFilter(customer_ids=frozenset(customer_ids))
    rows = await _figure_rows(scope, config, flt, as_of, CustomerOrder.NAME, 0, len(customer_ids))
    return {r["id"]: _priority_of(r, config, as_of) for r in rows}


async def get_customer(scope: Scope, customer_id: int) -> CustomerAccount:
    """One customer of the caller's scope; another tenant's (or another owner's) is "not found"."""
    require(scope, "ar.read")
    found = await repository.by_id(scope, customer_id)
    if found is None:
        raise NotFound("no customer with this id")
    return found


async def balances_for(
    scope: Scope, config: TenantConfig, customers: list[CustomerAccount], as_of: date
) -> dict[int, CustomerBalances]:
    """Balances, exposure and utilisation of many customers at once (a DataLoader batch)."""
    ids = [c.id for c in customers]
    balances, fx = await receivables.balances_by_customer(scope, config, ids, as_of)
    cover_rows = await ar_repository.cover_by_customer(scope, ids, as_of) if ids else []
    cover_fx = await receivables.converter_for(scope, config, {r["currency"] for r in cover_rows}, as_of, fx)
    cover: dict[int, int] = defaultdict(int)
    for row in cover_rows:
        cover[row["customer_id"]] += cover_fx.convert(row["amount"], row["currency"])
    return {
        c.id: CustomerBalances(
            balances=balances[c.id],
            credit_limit=c.credit_limit,
            cover=cover[c.id],
            exposure=balances[c.id].base.net_balance - cover[c.id],
        )
        for c in customers
    }


async def open_invoices_for(
    scope: Scope, customer_ids: list[int], as_of: date, per_customer: int = 5
) -> dict[int, list[OpenItem]]:
    """The oldest-due open invoices of many customers, ``per_customer`` each, in one query."""
    require(scope, "ar.read")
    out: dict[int, list[OpenItem]] = defaultdict(list)
    if not customer_ids:
        return out
    for row in await ar_repository.open_invoices_of(scope, customer_ids, as_of, per_customer):
        out[row["customer_id"]].append(open_item_of(row, as_of))
    return out


async def kyc_reviews_due(scope: Scope, as_of: date, within_days: int) -> list[CustomerAccount]:
    """Accounts whose next KYC review falls on or before ``as_of`` + ``within_days`` (overdue ones
    included): the accounts the KYC-due alert watches (``alerts.kyc_due_days`` of the tenant file)."""
    require(scope, "ar.read")
    return await repository.kyc_reviews_due(scope, as_of + timedelta(days=within_days))
