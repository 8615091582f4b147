"""A contact's account figures: balance, overdue, aging, unapplied credit, open disputes, next due.

They follow docs/metrics.md and come from the dashboard's receivables queries (app/receivables), so the
portal and the staff API agree to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.customers.filters import CustomerFilter
from app.portal import repository
from app.portal.access import account, today_in
from app.receivables import repository as receivables
from app.receivables.buckets import buckets_from_edges
from app.scope import Scope
from app.tenancy.config import TenantConfig


@dataclass(frozen=True)
class Bucket:
    label: str
    amount: int


@dataclass(frozen=True)
class AccountFigures:
    """metrics.md figures of one account, in its currency, as of ``as_of`` (today in the tenant's zone)."""

    customer_id: int
    name: str
    account_number: str
    currency: str
    as_of: date
    total_open: int
    overdue: int
    unapplied: int
    balance: int
    next_due_date: date | None
    next_due_amount: int
    aging: list[Bucket]
    open_disputes: int
    disputed_amount: int

    @property
    def in_credit(self) -> bool:
        """Unapplied cash and credit exceed what is open: the customer owes nothing, it is owed."""
        return self.balance < 0

    @property
    def credit_balance(self) -> int:
        """What the customer is owed (a positive amount), 0 unless ``in_credit``."""
        return max(0, -self.balance)

    @property
    def payable(self) -> bool:
        """Whether to offer paying at all: only while the account owes something on open invoices (never
        with a credit balance, which would pay money the customer is already owed)."""
        return self.total_open > 0 and self.balance > 0

    @property
    def overdue_payable(self) -> bool:
        """Whether to offer "pay my overdue balance": only when something payable is overdue."""
        return self.payable and self.overdue > 0


async def account_figures(scope: Scope, customer_id: int, tenant: TenantConfig) -> AccountFigures:
    """The account's figures in its own currency as of today, from the dashboard's receivables queries
    (app/receivables), so the portal shows exactly what the staff API shows for the customer."""
    customer = await account(scope, customer_id)
    as_of = today_in(tenant)
    currency = customer.currency
    buckets = buckets_from_edges(list(tenant.aging.buckets))
    only = CustomerFilter(customer_ids=frozenset({customer_id}))
    amounts = {b.index: 0 for b in buckets}
    for row in await receivables.open_by_bucket(scope, only, as_of, buckets):
        if row["currency"] == currency:
            amounts[row["bucket"]] += row["amount"]
    aging = [Bucket(b.label, amounts[b.index]) for b in buckets]
    unapplied = sum(
        r["amount"] for r in await receivables.unapplied(scope, only, as_of) if r["currency"] == currency
    )
    disputes = [r for r in await receivables.open_disputes(scope, only, as_of) if r["currency"] == currency]
    total_open = sum(amounts.values())
    next_due = await repository.next_due(scope, customer_id, as_of)
    return AccountFigures(
        customer_id=customer_id,
        name=customer.legal_name,
        account_number=customer.account_number,
        currency=currency,
        as_of=as_of,
        total_open=total_open,
        overdue=total_open - amounts[0],
        unapplied=unapplied,
        balance=total_open - unapplied,
        next_due_date=next_due[0] if next_due else None,
        next_due_amount=next_due[1] if next_due else 0,
        aging=aging,
        open_disputes=sum(r["count"] for r in disputes),
        disputed_amount=sum(r["amount"] for r in disputes),
    )
