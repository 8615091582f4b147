"""Access administration for staff admins: sign-in sessions, staff invitations and roles.

Every field declares its permission; the services check it again, so the CLI and any other entry point
obey the same rule.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.auth import members, sessions
from app.errors import LedgerportError
from app.models.enums import StaffRole
from schema.common import ids
from schema.errors import UserError, user_errors_from
from schema.permissions import requires

StaffRoleEnum = strawberry.enum(StaffRole, name="StaffRole", description="What a staff member may do.")


@strawberry.type(description="A live browser sign-in session.")
class SignInSession:
    id: strawberry.ID
    kind: str
    principal: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str


@strawberry.type(description="A person's membership in the tenant's staff.")
class StaffMember:
    id: strawberry.ID
    email: str
    role: StaffRoleEnum  # type: ignore[valid-type]
    linked: bool = strawberry.field(description="Whether the person has signed in (linked an identity).")


def _session(row) -> SignInSession:
    return SignInSession(
        id=strawberry.ID(ids.encode_id("Session", row.id)),
        kind=row.kind,
        principal=row.principal,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        ip=row.ip,
    )


def _member(row) -> StaffMember:
    return StaffMember(
        id=strawberry.ID(ids.encode_id("Member", row.id)),
        email=row.user.email,
        role=StaffRole(row.role),
        linked=row.oidc_subject is not None,
    )


@strawberry.input
class RevokeSessionInput:
    id: strawberry.ID


@strawberry.type
class RevokeSessionPayload:
    session: SignInSession | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class InviteStaffInput:
    email: str
    role: StaffRoleEnum  # type: ignore[valid-type]
    name: str = ""


@strawberry.input
class ChangeStaffRoleInput:
    member_id: strawberry.ID
    role: StaffRoleEnum  # type: ignore[valid-type]


@strawberry.type
class StaffMemberPayload:
    member: StaffMember | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AccessQuery:
    @strawberry.field(
        extensions=requires("sessions.manage"), description="Live sign-in sessions, newest first."
    )
    async def sign_in_sessions(self, info: Info) -> list[SignInSession]:
        return [_session(row) for row in await sessions.list_active(info.context.scope)]

    @strawberry.field(extensions=requires("members.manage"), description="The tenant's staff, by email.")
    async def staff_members(self, info: Info) -> list[StaffMember]:
        return [_member(row) for row in await members.list_members(info.context.scope)]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(extensions=requires("sessions.manage"), description="End someone's session now.")
    async def revoke_session(self, info: Info, input: RevokeSessionInput) -> RevokeSessionPayload:
        context = info.context
        try:
            row = await sessions.revoke(
                context.scope, ids.decode_id("Session", str(input.id)), context.origin
            )
        except LedgerportError as exc:
            return RevokeSessionPayload(user_errors=user_errors_from(exc))
        return RevokeSessionPayload(session=_session(row))

    @strawberry.mutation(
        extensions=requires("members.manage"),
        description="Invite a person by email; their first sign-in links.",
    )
    async def invite_staff(self, info: Info, input: InviteStaffInput) -> StaffMemberPayload:
        context = info.context
        try:
            row = await members.invite_staff(
                context.scope, input.email, StaffRole(input.role), input.name, context.origin
            )
        except LedgerportError as exc:
            return StaffMemberPayload(user_errors=user_errors_from(exc))
        return StaffMemberPayload(member=_member(row))

    @strawberry.mutation(extensions=requires("members.manage"), description="Change a staff member's role.")
    async def change_staff_role(self, info: Info, input: ChangeStaffRoleInput) -> StaffMemberPayload:
        context = info.context
        try:
            member_id = ids.decode_id("Member", str(input.member_id))
            row = await members.change_role(context.scope, member_id, StaffRole(input.role), context.origin)
        except LedgerportError as exc:
            return StaffMemberPayload(user_errors=user_errors_from(exc))
        return StaffMemberPayload(member=_member(row))
