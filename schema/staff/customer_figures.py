"""The figures a customer node shows: its balances (with exposure and utilisation) and its collection
priority score, each loaded for a whole page at once by a per-request DataLoader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from app.customers import service
from app.customers.service import CustomerBalances, PriorityParts
from app.models import CustomerAccount
from app.receivables.service import Totals
from schema.common.dataloaders import batch_loader
from schema.common.money import Money
from schema.staff.filters import RiskRatingEnum
from schema.staff.receivables import Aging, CurrencyTotals, _aging, _currency_totals, rounded


@strawberry.type(description="The collection priority score and its parts (docs/metrics-implementation.md).")
class PriorityScore:
    score: float
    weighted_overdue: Money = strawberry.field(description="Dunnable overdue x age weights.")
    overdue: Money
    risk_rating: RiskRatingEnum
    risk_weight: float
    over_limit: bool
    broken_promise: bool
    disputed: Money = strawberry.field(description="Held out of dunning by open disputes.")
    oldest_days_past_due: int


@strawberry.type(description="A customer's balances as of a date, in the base currency.")
class CustomerBalanceFigures:
    total_open: Money
    overdue: Money
    unapplied: Money
    net_balance: Money
    aging: Aging
    credit_limit: Money | None
    cover: Money = strawberry.field(description="Active letters of credit and guarantees.")
    exposure: Money = strawberry.field(description="Net balance - cover (metrics.md Credit).")
    utilisation: float | None = strawberry.field(description="Exposure / credit limit, 4 decimals.")
    over_limit: bool
    _by_currency: strawberry.Private[list[Totals]]

    @strawberry.field(description="The same totals per original currency (no conversion).")
    def by_currency(self) -> list[CurrencyTotals]:
        # Built only when asked for: a page of 50 customers rarely selects it.
        return [_currency_totals(t) for t in self._by_currency]


def priority_score(p: PriorityParts, base: str) -> PriorityScore:
    return PriorityScore(
        score=float(p.score),
        weighted_overdue=Money.of(p.weighted_overdue, base),
        overdue=Money.of(p.overdue, base),
        risk_rating=RiskRatingEnum(p.risk_rating),
        risk_weight=float(p.risk_weight),
        over_limit=p.over_limit,
        broken_promise=p.broken_promise,
        disputed=Money.of(p.disputed, base),
        oldest_days_past_due=p.oldest_days_past_due,
    )


def balance_figures(b: CustomerBalances) -> CustomerBalanceFigures:
    base = b.balances.base
    cur = base.currency
    return CustomerBalanceFigures(
        total_open=Money.of(base.total_open, cur),
        overdue=Money.of(base.overdue, cur),
        unapplied=Money.of(base.unapplied, cur),
        net_balance=Money.of(base.net_balance, cur),
        aging=_aging(base),
        credit_limit=None if b.credit_limit is None else Money.of(b.credit_limit, cur),
        cover=Money.of(b.cover, cur),
        exposure=Money.of(b.exposure, cur),
        utilisation=rounded(b.utilisation, 4),
        over_limit=b.utilisation is not None and b.utilisation > Decimal(1),
        _by_currency=b.balances.by_currency,
    )


def balances_loader(info: Info, as_of: date):
    """CustomerBalancesByCustomerLoader: balances of every customer asked for in this request, batched."""
    ctx = info.context

    async def fetch(customers: list[CustomerAccount]) -> dict:
        found = await service.balances_for(ctx.scope, ctx.tenant_config, customers, as_of)
        return {c: found[c.id] for c in customers}

    return batch_loader(info, f"CustomerBalancesByCustomerLoader:{as_of}", fetch)


def priority_loader(info: Info, as_of: date):
    """PriorityByCustomerLoader: priority scores of the customers of a page that did not compute them."""
    ctx = info.context
    return batch_loader(
        info,
        f"PriorityByCustomerLoader:{as_of}",
        lambda ids: service.priorities_for(ctx.scope, ctx.tenant_config, ids, as_of),
    )
