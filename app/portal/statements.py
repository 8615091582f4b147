"""Which statements an account is offered: by month, or for any period, each with its PDF's URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.documents.urls import statement_pdf_url
from app.errors import ValidationFailed
from app.portal import repository
from app.portal.access import account, today_in
from app.scope import Scope
from app.tenancy.config import TenantConfig


@dataclass(frozen=True)
class StatementPeriod:
    label: str
    period_from: date
    period_to: date
    pdf_url: str


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def statement_period(customer_id: int, period_from: date, period_to: date) -> StatementPeriod:
    label = f"{period_from.isoformat()} to {period_to.isoformat()}"
    url = statement_pdf_url(customer_id, period_from=period_from, period_to=period_to)
    return StatementPeriod(label, period_from, period_to, url)


async def statements(scope: Scope, customer_id: int, tenant: TenantConfig) -> list[StatementPeriod]:
    """The calendar months with activity, newest first (the current month to date included)."""
    await account(scope, customer_id)
    today = today_in(tenant)
    first = await repository.first_issue_date(scope, customer_id)
    months: list[StatementPeriod] = []
    month = today.replace(day=1)
    start = (first or today).replace(day=1)
    while month >= start and len(months) < 36:
        end = min(_month_end(month), today)
        months.append(statement_period(customer_id, month, end))
        month = _previous_month(month)
    return months


def _previous_month(first_of_month: date) -> date:
    if first_of_month.month == 1:
        return date(first_of_month.year - 1, 12, 1)
    return date(first_of_month.year, first_of_month.month - 1, 1)


async def custom_statement(
    scope: Scope, customer_id: int, period_from: date, period_to: date
) -> StatementPeriod:
    await account(scope, customer_id)
    if period_from > period_to:
        raise ValidationFailed("the period starts after it ends", field="from")
    return statement_period(customer_id, period_from, period_to)
