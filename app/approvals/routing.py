"""Which tier of ``[approvals.<kind>]`` a request falls in, decided without the database.

The bounds are inclusive ("up to 50,000": a limit of exactly 50,000.00 is the first tier) and in the
tenant's base currency; amounts arrive in minor units of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.money import to_minor
from app.tenancy.approvals import ApprovalTier


@dataclass(frozen=True)
class Route:
    tier: int
    roles: tuple[str, ...]
    approvals: int
    each_role: bool


def route(tiers: list[ApprovalTier], amount: int, base: str, increase: int | None = None) -> Route:
    """The first tier whose ``up_to`` and ``increase_up_to`` the amount (and increase) stay within.

    The tenant file is validated to end with an open-ended tier, so there always is one."""
    for n, tier in enumerate(tiers):
        if tier.up_to is not None and amount > to_minor(tier.up_to, base):
            continue
        if tier.increase_up_to is not None and (increase or 0) > to_minor(tier.increase_up_to, base):
            continue
        return Route(n, tuple(tier.roles), tier.approvals, tier.each_role)
    raise AssertionError("the tenant file's last tier is open-ended")  # validated at start-up
