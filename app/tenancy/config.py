"""The shape of ``tenants/<slug>.toml``, validated field by field.

Secrets never appear in these files: a setting that needs one names the environment variable that holds
it (``client_secret_env = "NORTHWIND_OIDC_SECRET"``). Unknown keys are rejected so a typo cannot silently
fall back to a default.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app import clock
from app.money import is_known_currency
from app.tenancy.approvals import ApprovalsConfig, CreditHoldsConfig, CreditReviewsConfig, KycConfig
from app.tenancy.dunning import DunningConfig
from app.tenancy.einvoicing import EInvoicingConfig
from app.tenancy.reports import ReportsConfig
from app.tenancy.statements import StatementEmails

ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

EnvVarName = Annotated[str, Field(pattern=ENV_NAME.pattern, description="name of an environment variable")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgingConfig(_Strict):
    """Upper edges in days past due of the overdue buckets; ``Current`` (<= 0) comes first, and the last
    bucket is open-ended: [30, 60, 90, 120] gives Current, 1-30, 31-60, 61-90, 91-120, 121+."""

    buckets: list[int] = Field(default_factory=lambda: [30, 60, 90, 120], min_length=1, max_length=12)

    @field_validator("buckets")
    @classmethod
    def _increasing(cls, edges: list[int]) -> list[int]:
        if edges[0] < 1:
            raise ValueError("the first edge must be at least 1 day")
        for a, b in pairwise(edges):
            if b <= a:
                raise ValueError(f"edges must increase, but {b} follows {a}")
        return edges


class BrandingConfig(_Strict):
    logo: str | None = None
    primary_color: str = "#1f4e79"
    accent_color: str = "#f2a900"
    address: list[str] = Field(default_factory=list)
    tax_ids: list[str] = Field(default_factory=list)
    remittance: list[str] = Field(default_factory=list)
    footer: str = ""

    @field_validator("primary_color", "accent_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f"expected a colour like #1f4e79, got {value!r}")
        return value


class AccessConfig(_Strict):
    # When true, staff with the sales role see only the customers whose sales owner they are.
    sales_sees_own_customers_only: bool = False


class AlertConfig(_Strict):
    overdue_days: list[int] = Field(default_factory=lambda: [30, 60, 90])
    letter_of_credit_expiry_days: int = Field(default=30, ge=1)
    kyc_due_days: int = Field(default=30, ge=0)
    evaluate_every_minutes: int = Field(default=15, ge=1)
    # Overdue and disputes-past-SLA alerts need at least this amount (base currency) per customer.
    minimum_amount: Decimal = Field(default=Decimal("0"), ge=0)


class OidcClientConfig(_Strict):
    issuer: str
    client_id: str
    client_secret_env: EnvVarName | None = None
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    allowed_email_domains: list[str] = Field(default_factory=list)


class AuthConfig(_Strict):
    staff: OidcClientConfig | None = None
    portal: OidcClientConfig | None = None


class PaymentsConfig(_Strict):
    stripe_secret_key_env: EnvVarName | None = None
    stripe_publishable_key_env: EnvVarName | None = None
    stripe_webhook_secret_env: EnvVarName | None = None
    allow_partial: bool = True
    minimum_amount: Decimal = Field(default=Decimal("1.00"), ge=0)


class BankingConfig(_Strict):
    """Cash application from bank statements (docs/cash-application.md)."""

    # A bank line whose best candidate scores at least this (0-100) posts without a person; below, it
    # waits in the exceptions queue with its ranked suggestions.
    auto_post_threshold: int = Field(default=80, ge=1, le=100)
    # ...and only when the runner-up scores at least this much less: two near-equal candidates are a
    # question for a person, not a coin toss.
    auto_post_margin: int = Field(default=10, ge=0, le=100)


class SupportConfig(_Strict):
    email: str = ""
    sla_hours: int = Field(default=48, ge=1)
    dispute_sla_hours: int = Field(default=120, ge=1)
    # Files contacts may attach to a billing query: at most this many, each at most this size, of these types.
    attachment_max_files: int = Field(default=3, ge=0, le=10)
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1, le=25 * 1024 * 1024)
    attachment_types: list[str] = Field(
        default_factory=lambda: ["application/pdf", "image/png", "image/jpeg", "text/csv", "text/plain"]
    )


# The jobs a tenant file may schedule (app/jobs/handlers.py registers them; this list is what a tenant
# file is checked against at start-up, before any handler module is imported).
SCHEDULABLE_JOBS = ("alerts.evaluate", "statements.month_end", "forecast.train")
# Alert evaluation is scheduled from ``[alerts] evaluate_every_minutes`` under this name.
ALERTS_SCHEDULE = "alerts"
# Every tenant's hourly credit sweep (app/credit/jobs.py: limits due on their effective date, approvals
# past their SLA) runs under this name.
CREDIT_SWEEP_SCHEDULE = "credit-sweep"
# The daily dunning run is scheduled from ``[dunning] daily_at`` under this name.
DUNNING_SCHEDULE = "dunning"
# Every tenant's daily ``invoice.overdue`` webhook events (app/webhooks/overdue.py), just after midnight.
OVERDUE_SCHEDULE = "invoice-overdue"


class ScheduleConfig(_Strict):
    """``[[schedules]]``: run ``job`` at each time ``cron`` names, in the tenant's time zone, once per time."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    job: str
    cron: str

    @field_validator("job")
    @classmethod
    def _known_job(cls, value: str) -> str:
        if value not in SCHEDULABLE_JOBS:
            raise ValueError(
                f"{value!r} is not a job that can be scheduled (one of {', '.join(SCHEDULABLE_JOBS)})"
            )
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(
                f"{value!r} is not a cron expression of five fields (minute hour day month weekday), "
                "like '0 6 1 * *' for 06:00 on the 1st"
            )
        return value


class TenantConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{1,62}$")
    name: str = Field(min_length=1, max_length=200)
    hosts: list[str] = Field(default_factory=list)
    base_currency: str
    timezone: str = "UTC"
    locale: str = "en_US"
    aging: AgingConfig = Field(default_factory=AgingConfig)
    branding: BrandingConfig = Field(default_factory=BrandingConfig)
    access: AccessConfig = Field(default_factory=AccessConfig)
    alerts: AlertConfig = Field(default_factory=AlertConfig)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    payments: PaymentsConfig = Field(default_factory=PaymentsConfig)
    support: SupportConfig = Field(default_factory=SupportConfig)
    banking: BankingConfig = Field(default_factory=BankingConfig)
    e_invoicing: EInvoicingConfig | None = None
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    schedules: list[ScheduleConfig] = Field(default_factory=list, max_length=50)
    approvals: ApprovalsConfig = Field(default_factory=ApprovalsConfig)
    credit_holds: CreditHoldsConfig = Field(default_factory=CreditHoldsConfig)
    credit_reviews: CreditReviewsConfig = Field(default_factory=CreditReviewsConfig)
    kyc: KycConfig = Field(default_factory=KycConfig)
    dunning: DunningConfig = Field(default_factory=DunningConfig)
    statement_emails: list[StatementEmails] = Field(default_factory=list, max_length=10)

    def today(self) -> date:
        """Today in the tenant's time zone: business dates (and default as-of dates) are the tenant's."""
        return clock.today_in(self.timezone)

    @field_validator("base_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not is_known_currency(value):
            raise ValueError(f"{value!r} is not an ISO 4217 currency code")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (like Europe/Berlin)") from None
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"{value!r} is not a known locale (like en_US or de_DE)") from None
        return value

    @field_validator("schedules")
    @classmethod
    def _schedule_names(cls, schedules: list[ScheduleConfig]) -> list[ScheduleConfig]:
        seen: set[str] = set()
        for schedule in schedules:
            if schedule.name == ALERTS_SCHEDULE:
                raise ValueError(
                    f"the name {ALERTS_SCHEDULE!r} is taken by alert evaluation "
                    "(set [alerts] evaluate_every_minutes instead)"
                )
            if schedule.name == CREDIT_SWEEP_SCHEDULE:
                raise ValueError(f"the name {CREDIT_SWEEP_SCHEDULE!r} is taken by the hourly credit sweep")
            if schedule.name == DUNNING_SCHEDULE:
                raise ValueError(
                    f"the name {DUNNING_SCHEDULE!r} is taken by the daily dunning run (set [dunning] daily_at)"
                )
            if schedule.name.startswith("statements-"):
                raise ValueError(
                    f"names starting 'statements-' are taken by [[statement_emails]] ({schedule.name!r})"
                )
            if schedule.name.startswith("management-pack-"):
                raise ValueError(
                    f"names starting 'management-pack-' are taken by [[reports.schedules]] ({schedule.name!r})"
                )
            if schedule.name in seen:
                raise ValueError(f"two schedules are named {schedule.name!r}")
            seen.add(schedule.name)
        return schedules

    @field_validator("statement_emails")
    @classmethod
    def _statement_names(cls, schedules: list[StatementEmails]) -> list[StatementEmails]:
        names = [s.name for s in schedules]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two statement schedules are named {name!r}")
        return schedules

    @model_validator(mode="after")
    def _hosts_lowercase(self) -> TenantConfig:
        for host in self.hosts:
            if host != host.lower() or "/" in host:
                raise ValueError(f"host {host!r} must be a lower-case host name without a path")
        return self
