"""``[approvals]`` of a tenant file: who approves credit limits and write-offs, by amount.

    [approvals]
    sla_hours = 48                      # a request not decided by then escalates (alert and reminder)

    [[approvals.credit_limit]]
    up_to = "50000.00"                  # the new limit, base currency, inclusive; omit on the last tier
    roles = ["credit"]                  # who may give the approvals
    approvals = 1                       # how many, from different people

    [[approvals.credit_limit]]
    up_to = "250000.00"
    roles = ["credit", "finance"]
    approvals = 2
    each_role = true                    # one approval from each listed role

    [[approvals.credit_limit]]          # above: two of credit / finance / admin
    roles = ["credit", "finance", "admin"]
    approvals = 2

A request is routed by the first tier whose ``up_to`` (and ``increase_up_to``, for credit limits: the
increase over the current limit) it does not exceed. The tiers are checked at start-up like the rest of
the file: increasing bounds, an open-ended last tier (so every amount has a route), known roles, and
enough approvals for ``each_role``, so a typo stops the start instead of leaving a request unroutable.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Roles that may approve: those with ``approvals.decide`` (app/auth/permissions.py).
APPROVER_ROLES = ("admin", "finance", "credit")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApprovalTier(_Strict):
    up_to: Decimal | None = Field(default=None, ge=0)
    increase_up_to: Decimal | None = Field(default=None, ge=0)
    roles: list[str] = Field(min_length=1, max_length=6)
    approvals: int = Field(default=1, ge=1, le=5)
    each_role: bool = False

    @field_validator("roles")
    @classmethod
    def _roles(cls, roles: list[str]) -> list[str]:
        for role in roles:
            if role not in APPROVER_ROLES:
                raise ValueError(
                    f"{role!r} is not a role that may approve (one of {', '.join(APPROVER_ROLES)})"
                )
        if len(set(roles)) != len(roles):
            raise ValueError("a role is listed twice")
        return roles

    @model_validator(mode="after")
    def _enough(self) -> ApprovalTier:
        if self.each_role and self.approvals < len(self.roles):
            raise ValueError(
                f"each_role needs one approval per role: approvals must be at least {len(self.roles)}"
            )
        return self

    @property
    def bounded(self) -> bool:
        return self.up_to is not None or self.increase_up_to is not None


def _check_tiers(tiers: list[ApprovalTier]) -> list[ApprovalTier]:
    if not tiers:
        raise ValueError("at least one tier is needed")
    if tiers[-1].bounded:
        raise ValueError(
            "the last tier must have no up_to / increase_up_to, so that every amount has a route"
        )
    if any(not t.bounded for t in tiers[:-1]):
        raise ValueError("only the last tier may be open-ended")
    bounds = [t.up_to for t in tiers[:-1] if t.up_to is not None]
    for a, b in pairwise(bounds):
        if b <= a:
            raise ValueError(f"up_to must increase from tier to tier, but {b} follows {a}")
    return tiers


def _default_credit() -> list[ApprovalTier]:
    return [ApprovalTier(roles=["credit", "finance", "admin"], approvals=1)]


def _default_write_off() -> list[ApprovalTier]:
    return [ApprovalTier(roles=["finance", "admin"], approvals=1)]


class ApprovalsConfig(_Strict):
    sla_hours: int = Field(default=48, ge=1, le=24 * 90)
    credit_limit: list[ApprovalTier] = Field(default_factory=_default_credit, max_length=10)
    write_off: list[ApprovalTier] = Field(default_factory=_default_write_off, max_length=10)

    @field_validator("credit_limit", "write_off")
    @classmethod
    def _tiers(cls, tiers: list[ApprovalTier]) -> list[ApprovalTier]:
        return _check_tiers(tiers)

    @model_validator(mode="after")
    def _no_increase_for_write_offs(self) -> ApprovalsConfig:
        if any(t.increase_up_to is not None for t in self.write_off):
            raise ValueError("write_off tiers route by amount only (up_to), not by increase_up_to")
        return self


class CreditHoldsConfig(_Strict):
    """``[credit_holds]``: which rules put an account on hold by themselves, and whether the portal says so.

        [credit_holds]
        over_limit_percent = "10"    # exposure more than 10 % over the credit limit
        kyc = true                   # KYC rejected or expired, or its review date passed
        broken_promises = 2          # at least this many broken promises to pay
        portal_banner = true         # the account's admin contacts see a banner while it is held

    Unset rules place no hold. Automatic holds are placed by the hourly credit sweep and released by a
    person (``releaseCreditHold``), never by the rule itself: lifting a hold is a credit decision.
    """

    over_limit_percent: Decimal | None = Field(default=None, ge=0, le=1000)
    kyc: bool = False
    broken_promises: int | None = Field(default=None, ge=1, le=100)
    portal_banner: bool = False


class CreditReviewsConfig(_Strict):
    """``[credit_reviews]``: how many months after a review the next one falls due, by risk rating.

        [credit_reviews]
        interval_months = { A = 24, B = 18, C = 12, D = 6, E = 3 }

    Every rating needs an interval (1 to 120 months), so no customer is left without a next review.
    """

    interval_months: dict[str, int] = Field(
        default_factory=lambda: {"A": 24, "B": 18, "C": 12, "D": 6, "E": 3}
    )

    @field_validator("interval_months")
    @classmethod
    def _every_rating(cls, months: dict[str, int]) -> dict[str, int]:
        ratings = ["A", "B", "C", "D", "E"]
        unknown = sorted(set(months) - set(ratings))
        if unknown:
            raise ValueError(f"unknown rating(s) {', '.join(unknown)}: ratings are A to E")
        missing = [r for r in ratings if r not in months]
        if missing:
            raise ValueError(f"no interval for rating(s) {', '.join(missing)}")
        for rating, n in months.items():
            if not 1 <= n <= 120:
                raise ValueError(f"the interval of rating {rating} must be 1 to 120 months, got {n}")
        return months


class KycChecklistItem(_Strict):
    """One item of the checklist; ``expires = true``: it needs an uploaded document with an expiry date
    (a passport, a register extract), and it is incomplete again once every such document has expired."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=200)
    expires: bool = False


def _default_checklist() -> list[KycChecklistItem]:
    return [
        KycChecklistItem(key="company_identity", label="Identity of the company (register extract)"),
        KycChecklistItem(key="beneficial_owners", label="Beneficial owners identified"),
        KycChecklistItem(key="sanctions_screening", label="Sanctions screening: no match"),
        KycChecklistItem(key="documents_valid", label="Documents on file and not expired"),
    ]


class KycConfig(_Strict):
    """``[kyc]``: the checklist of a KYC review, whether passing or failing one needs a second person,
    and how many months a passed review holds.

        [kyc]
        four_eyes = true
        review_months = 12
        [[kyc.checklist]]
        key = "company_identity"
        label = "Identity of the company (register extract)"
    """

    checklist: list[KycChecklistItem] = Field(default_factory=_default_checklist, min_length=1, max_length=30)
    four_eyes: bool = False
    review_months: int = Field(default=12, ge=1, le=120)

    @field_validator("checklist")
    @classmethod
    def _unique_keys(cls, items: list[KycChecklistItem]) -> list[KycChecklistItem]:
        keys = [i.key for i in items]
        if len(set(keys)) != len(keys):
            raise ValueError("two checklist items have the same key")
        return items
