"""``[dunning]`` of a tenant file: the policies that decide which reminder goes out when (docs/collections.md).

    [dunning]
    daily_at = "08:00"          # the daily run, in the tenant's time zone (unset: only the CLI runs it)
    promise_grace_days = 3      # an open promise pauses dunning until its date plus this many days
    invoice_charges = false     # bill each message's fee and interest as an invoice (app/collections/charges.py)
    charges_due_days = 14       # ... due this many days after the run
    charges_number_prefix = "DUN-"  # ... numbered this prefix + the message's id

    [[dunning.policies]]
    name = "standard"
    segments = []               # which customers it is for: any of these segments (empty: any) ...
    risk_ratings = []           # ... and any of these ratings (empty: any); the first policy that fits wins

    [[dunning.policies.steps]]
    name = "friendly"
    offset_days = -3            # days from the due date (negative: before it)
    channel = "email"           # email | call_task | letter
    template = "dunning/reminder"
    attachment = "statement"    # email only: statement | letter | none
    minimum_overdue = "50.00"   # the invoices it is about must add up to this (in their currency)
    fee = "0"                   # a flat fee per message (in each currency it lists), shown on the letter
    interest_rate = "0"         # statutory interest, percent per year, from the due date on the open amount

A customer may be assigned a policy by name, or ``off`` (``CustomerAccount.dunning_policy``); otherwise
the first policy whose segments and ratings match is its policy, and a customer no policy fits is not
dunned (the run's report says so). Everything here is checked at start-up so a typo stops the server with
the file and the field named, instead of reminders that silently never go out.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.models.enums import RiskRating
from app.settings import PROJECT_ROOT

NAME = r"^[a-z][a-z0-9-]{0,39}$"
# What a customer's ``dunning_policy`` may say besides a policy's name: never dun this customer.
OFF = "off"
TEMPLATE = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DunningStep(_Strict):
    name: str = Field(pattern=NAME)
    offset_days: int = Field(ge=-365, le=3650)
    channel: Literal["email", "call_task", "letter"] = "email"
    template: str = "dunning/reminder"
    attachment: Literal["statement", "letter", "none"] = "statement"
    minimum_overdue: Decimal = Field(default=Decimal("0"), ge=0, le=Decimal("100000000000"))
    fee: Decimal = Field(default=Decimal("0"), ge=0, le=Decimal("1000000"))
    interest_rate: Decimal = Field(default=Decimal("0"), ge=0, le=100)

    @field_validator("template")
    @classmethod
    def _template_exists(cls, value: str) -> str:
        if not TEMPLATE.match(value):
            raise ValueError(f"{value!r} is not a template name like 'dunning/reminder'")
        if not (PROJECT_ROOT / "templates" / "email" / f"{value}.txt").is_file():
            raise ValueError(f"no email template templates/email/{value}.txt")
        return value

    @field_validator("fee", "minimum_overdue")
    @classmethod
    def _cents(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.001")):
            raise ValueError(f"{value} has more than 3 decimals")
        return value


class DunningPolicy(_Strict):
    name: str = Field(pattern=NAME)
    segments: list[str] = Field(default_factory=list, max_length=50)
    risk_ratings: list[RiskRating] = Field(default_factory=list)
    steps: list[DunningStep] = Field(min_length=1, max_length=20)

    @field_validator("name")
    @classmethod
    def _not_off(cls, value: str) -> str:
        if value == OFF:
            raise ValueError(f"{OFF!r} is reserved: it turns dunning off for a customer")
        return value

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: list[DunningStep]) -> list[DunningStep]:
        for a, b in pairwise(steps):
            if b.offset_days <= a.offset_days:
                raise ValueError(
                    f"steps must be in order of offset_days: {b.name!r} ({b.offset_days}) "
                    f"follows {a.name!r} ({a.offset_days})"
                )
        names = [s.name for s in steps]
        if len(set(names)) != len(names):
            raise ValueError("two steps have the same name")
        return steps

    def fits(self, segment: str, risk_rating: str) -> bool:
        """Whether a customer of this segment and rating falls under this policy."""
        return (not self.segments or segment in self.segments) and (
            not self.risk_ratings or risk_rating in self.risk_ratings
        )


class DunningConfig(_Strict):
    daily_at: str | None = None
    promise_grace_days: int = Field(default=3, ge=0, le=60)
    policies: list[DunningPolicy] = Field(default_factory=list, max_length=50)
    invoice_charges: bool = False
    charges_due_days: int = Field(default=14, ge=0, le=365)
    charges_number_prefix: str = Field(default="DUN-", pattern=r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,19}$")

    @field_validator("daily_at")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not TIME.match(value):
            raise ValueError(f"{value!r} is not a time of day like '08:00'")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> DunningConfig:
        names = [p.name for p in self.policies]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two policies are named {name!r}")
        if self.invoice_charges:
            # Interest runs from the due date; billed at two steps, the same days would be billed twice.
            for policy in self.policies:
                charging = [s.name for s in policy.steps if s.interest_rate > 0]
                if len(charging) > 1:
                    raise ValueError(
                        f"policy {policy.name!r}: with invoice_charges only one step may charge interest "
                        f"(interest runs from the due date, so {', '.join(charging)} would bill the same "
                        "days twice)"
                    )
        return self

    @property
    def cron(self) -> str | None:
        """The daily run's cron expression (in the tenant's time zone), or None when it is not scheduled."""
        if self.daily_at is None:
            return None
        hour, minute = self.daily_at.split(":")
        return f"{int(minute)} {int(hour)} * * *"

    def policy(self, name: str) -> DunningPolicy | None:
        return next((p for p in self.policies if p.name == name), None)

    def policy_for(self, assigned: str, segment: str, risk_rating: str) -> DunningPolicy | None:
        """The customer's policy: the one assigned to it, else the first that fits; None when off or none."""
        if assigned == OFF:
            return None
        if assigned:
            return self.policy(assigned)
        return next((p for p in self.policies if p.fits(segment, risk_rating)), None)
