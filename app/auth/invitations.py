"""Invitations of contacts to a customer account: issued by its contact admins (or staff), redeemed once.

The link holds a random secret of which we keep only a SHA-256 hash; it expires, works once, and only for
the email address it was sent to, so a forwarded link cannot let someone else in.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.hashing import hash_secret
from app.auth.permissions import require, require_contact
from app.auth.repositories import identities
from app.auth.repositories import invitations as repository
from app.errors import AuthenticationError, NotFound
from app.inputs.emails import parse_email
from app.models import Contact, ContactInvitation
from app.models.enums import ContactRole
from app.notifications import service as notify
from app.portal import links
from app.scope import PrincipalKind, Scope
from app.tenancy.config import TenantConfig

VALID_FOR = timedelta(days=7)


async def invite(
    scope: Scope,
    customer_id: int,
    email: str,
    role: ContactRole,
    origin: Origin = NO_ORIGIN,
    *,
    tenant: TenantConfig | None = None,
) -> tuple[ContactInvitation, str]:
    """Invite ``email`` to ``customer_id`` with ``role``; returns the row and the link secret (shown once).

    With the ``tenant``, the link is also emailed to the address, queued in the same transaction."""
    if scope.is_contact:
        require_contact(scope, "contacts.invite", customer_id)
    else:
        require(scope, "contacts.manage")
    if not await repository.customer_exists(scope, customer_id):
        raise NotFound("customer account not found")
    # Exactly one address: a list or a CR/LF would send the invitation to someone else too.
    email = parse_email(email, "email")
    secret = secrets.token_urlsafe(32)
    async with in_transaction():
        invitation = await repository.insert(
            scope,
            customer_id=customer_id,
            email=email,
            role=role,
            token_hash=hash_secret(secret),
            invited_by=scope.principal,
            expires_at=clock.now() + VALID_FOR,
        )
        await audit.record(
            scope,
            "invitation.created",
            target_type="customer_account",
            target_id=customer_id,
            details={"email": email, "role": role.value, "invitation": invitation.id},
            origin=origin,
        )
        if tenant is not None:
            account = await repository.customer_name(scope, customer_id)
            await notify.invited(
                scope, tenant, invitation.id, email, account, role.value, links.invitation(tenant, secret)
            )
    return invitation, secret


async def redeem(
    tenant_id: int,
    tenant_slug: str,
    secret: str,
    email: str,
    identity: tuple[str, str],
    contact: Contact | None,
    origin: Origin,
) -> Contact:
    """Use an invitation up at sign-in: the contact (found or created) gets the invited role.

    ``identity`` is the (issuer, subject) signing in; a contact already linked to another identity is
    not taken over through an invitation to its email address.
    """
    invitation = await repository.by_hash(tenant_id, hash_secret(secret))
    if invitation is None:
        raise AuthenticationError("This invitation link is not valid", code="invitation_invalid")
    if invitation.used_at is not None:
        raise AuthenticationError(
            "This invitation has already been used; sign in normally or ask for a new one",
            code="invitation_used",
        )
    if invitation.expires_at <= clock.now():
        raise AuthenticationError("This invitation has expired; ask for a new one", code="invitation_expired")
    if invitation.email != email:
        raise AuthenticationError(
            f"This invitation was sent to another email address, not {email}",
            code="invitation_email_mismatch",
        )
    async with in_transaction():
        if not await repository.mark_used(tenant_id, invitation.id, clock.now()):
            raise AuthenticationError("This invitation has already been used", code="invitation_used")
        if contact is None:
            contact = await identities.contact_by_email(tenant_id, email)
        if contact is None:
            contact = await identities.add_contact(tenant_id, email)
        if contact.oidc_subject is not None and (contact.oidc_issuer, contact.oidc_subject) != identity:
            raise AuthenticationError(
                f"{email} is already linked to another sign-in account", code="identity_conflict"
            )
        await identities.grant_access(
            tenant_id, contact.id, invitation.customer_id, ContactRole(invitation.role)
        )
        actor = Scope(
            tenant_id=tenant_id, tenant_slug=tenant_slug, kind=PrincipalKind.CONTACT, principal=email
        )
        await audit.record(
            actor,
            "invitation.accepted",
            target_type="customer_account",
            target_id=invitation.customer_id,
            details={"invitation": invitation.id, "role": invitation.role, "contact": contact.id},
            origin=origin,
        )
    return contact
