"""Which statements an account is offered, each with its PDF's URL: a default period (the start of the
previous month, or of the account's activity, to today), each complete month, or any period asked for."""

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


@dataclass(frozen=True)
class StatementChoice:
    """What the statements page offers: ``default`` first, then each complete month with activity."""

    default: StatementPeriod
    months: list[StatementPeriod]


#: The most months offered one by one; older ones are any period away.
MAX_MONTHS = 36


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _previous_month(first_of_month: date) -> date:
    if first_of_month.month == 1:
        return date(first_of_month.year - 1, 12, 1)
    return date(first_of_month.year, first_of_month.month - 1, 1)


def statement_period(customer_id: int, period_from: date, period_to: date) -> StatementPeriod:
    label = f"{period_from.isoformat()} to {period_to.isoformat()}"
    url = statement_pdf_url(customer_id, period_from=period_from, period_to=period_to)
    return StatementPeriod(label, period_from, period_to, url)


def default_period(today: date, first_activity: date | None) -> tuple[date, date]:
    """From the start of the previous month (or of the account's activity, when that is later) to today.

    Never the month to date alone: on the 1st that was a one-day statement ("Dec 1 to Dec 1") with
    nothing on it, while last month's activity, what a customer usually asks for, was a click away."""
    start = _previous_month(today.replace(day=1))
    if first_activity is not None and start < first_activity <= today:
        start = first_activity
    return start, today


def complete_months(today: date, first_activity: date | None) -> list[tuple[date, date]]:
    """Each calendar month before this one, back to the account's first activity, newest first."""
    if first_activity is None:
        return []
    months, month = [], _previous_month(today.replace(day=1))
    while month >= first_activity.replace(day=1) and len(months) < MAX_MONTHS:
        months.append((month, _month_end(month)))
        month = _previous_month(month)
    return months


async def statements(scope: Scope, customer_id: int, tenant: TenantConfig) -> StatementChoice:
    """The default period (``default_period``) and the complete months with activity, newest first."""
    await account(scope, customer_id)
    today = today_in(tenant)
    first = await repository.first_issue_date(scope, customer_id)
    return StatementChoice(
        default=statement_period(customer_id, *default_period(today, first)),
        months=[statement_period(customer_id, *month) for month in complete_months(today, first)],
    )


async def custom_statement(
    scope: Scope, customer_id: int, period_from: date, period_to: date
) -> StatementPeriod:
    await account(scope, customer_id)
    if period_from > period_to:
        raise ValidationFailed("the period starts after it ends", field="from")
    return statement_period(customer_id, period_from, period_to)
