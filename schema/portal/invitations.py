"""``inviteContact``: a contact admin of an account invites a colleague (single-use, expiring link)."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from app.auth import invitations
from app.errors import LedgerportError
from app.models.enums import ContactRole
from schema.common import ids
from schema.errors import UserError, user_errors_from


@strawberry.enum(description="A contact's role on one customer account.")
class PortalContactRole(Enum):
    ADMIN = "admin"
    PAYER = "payer"
    VIEWER = "viewer"


@strawberry.input
class InviteContactInput:
    account_id: strawberry.ID
    email: str
    role: PortalContactRole = PortalContactRole.VIEWER


@strawberry.type
class InviteContactPayload:
    invitation_url: str | None = None
    expires_at: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InvitationMutation:
    @strawberry.mutation(description="Invite someone to one of your accounts; the link works once.")
    async def invite_contact(self, info: Info, input: InviteContactInput) -> InviteContactPayload:
        context = info.context
        try:
            customer_id = ids.decode_id("Account", str(input.account_id))
            invitation, secret = await invitations.invite(
                context.scope,
                customer_id,
                input.email,
                ContactRole(input.role.value),
                context.origin,
                tenant=context.tenant_config,
            )
        except LedgerportError as exc:
            return InviteContactPayload(user_errors=user_errors_from(exc))
        base = str(context.request.base_url).rstrip("/")
        url = f"{base}/auth/{context.scope.tenant_slug}/portal/login?invitation={secret}"
        return InviteContactPayload(invitation_url=url, expires_at=invitation.expires_at.isoformat())
