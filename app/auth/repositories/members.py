"""Staff memberships as admins manage them: always within the admin's tenant."""

from __future__ import annotations

from app.db.scoping import scoped
from app.models import Membership
from app.models.enums import StaffRole
from app.scope import Scope


async def by_email(scope: Scope, email: str) -> Membership | None:
    return await scoped(Membership, scope).filter(user__email=email.lower()).select_related("user").first()


async def by_id(scope: Scope, membership_id: int) -> Membership | None:
    return await scoped(Membership, scope).filter(id=membership_id).select_related("user").first()


async def set_role(scope: Scope, membership_id: int, role: StaffRole) -> None:
    await scoped(Membership, scope).filter(id=membership_id).update(role=role)


async def all_members(scope: Scope) -> list[Membership]:
    """Every membership of the tenant, by email."""
    return await scoped(Membership, scope).select_related("user").order_by("user__email")
