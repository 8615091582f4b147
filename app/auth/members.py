"""Staff memberships: admins invite people by email with a role, and change roles; both are audited.

An invited membership has no provider identity yet; the person's first sign-in with that verified email
links it (see ``app.auth.signin``).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require
from app.auth.repositories import identities, members
from app.errors import Conflict, NotFound
from app.inputs.emails import parse_email
from app.inputs.text import check_text
from app.models import Membership
from app.models.enums import StaffRole
from app.scope import Scope


async def invite_staff(
    scope: Scope, email: str, role: StaffRole, name: str = "", origin: Origin = NO_ORIGIN
) -> Membership:
    require(scope, "members.manage")
    # Exactly one address (a list or CR/LF is a header injection), and a name on one line.
    email = parse_email(email, "email")
    name = check_text(name, "name", 200)
    if await members.by_email(scope, email) is not None:
        raise Conflict(f"{email} is already a member of this tenant", code="duplicate", field="email")
    async with in_transaction():
        membership = await identities.add_membership(scope.tenant_id, email, name, role)
        await audit.record(
            scope,
            "member.invited",
            target_type="membership",
            target_id=membership.id,
            details={"email": email, "role": role.value},
            origin=origin,
        )
    return membership


async def list_members(scope: Scope) -> list[Membership]:
    """The tenant's staff (invited or linked), for admins."""
    require(scope, "members.manage")
    return await members.all_members(scope)


async def change_role(
    scope: Scope, membership_id: int, role: StaffRole, origin: Origin = NO_ORIGIN
) -> Membership:
    require(scope, "members.manage")
    membership = await members.by_id(scope, membership_id)
    if membership is None:
        raise NotFound("membership not found")
    previous = StaffRole(membership.role)
    if previous != role:
        async with in_transaction():
            await members.set_role(scope, membership.id, role)
            await audit.record(
                scope,
                "member.role_changed",
                target_type="membership",
                target_id=membership.id,
                details={"email": membership.user.email, "from": previous.value, "to": role.value},
                origin=origin,
            )
        membership.role = role
    return membership
