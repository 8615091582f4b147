"""Linking a verified provider identity to a staff membership or contact, and opening its session.

Linking, not self-service: a first sign-in links the provider's (issuer, subject) to a staff membership
or contact that was invited under that verified email; later sign-ins go by (issuer, subject) alone.
Anyone else is refused as "not invited" and nothing is created, except staff whose verified email is in
a domain the tenant file allows (they join with the viewer role). Contacts may also arrive through a
single-use invitation link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.audit import service as audit
from app.audit.service import Origin
from app.auth import invitations, sessions
from app.auth.repositories import identities
from app.errors import AuthenticationError
from app.models import AuthSession
from app.models.enums import StaffRole
from app.scope import PrincipalKind, Scope
from app.tenancy.config import TenantConfig

STAFF = "staff"
PORTAL = "portal"


class NotInvited(AuthenticationError):
    """The person proved who they are, but nobody invited them to this tenant."""

    code = "not_invited"


@dataclass(frozen=True)
class SignedIn:
    session: AuthSession
    secret: str
    principal: str


def _verified_email(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    if isinstance(email, str) and "@" in email and claims.get("email_verified") is True:
        return email.strip().lower()
    return None


def _not_invited(who: str, tenant: TenantConfig) -> NotInvited:
    return NotInvited(
        f"{who} is not invited to {tenant.name}. Ask an administrator there to invite you, "
        "then sign in again."
    )


async def sign_in_staff(
    tenant: TenantConfig, tenant_id: int, claims: dict[str, Any], tokens: dict[str, Any], origin: Origin
) -> SignedIn:
    issuer, subject = str(claims["iss"]).rstrip("/"), str(claims["sub"])
    email = _verified_email(claims)
    how = "subject"
    membership = await identities.membership_by_subject(tenant_id, issuer, subject)
    if membership is None:
        if email is None:
            raise _not_invited(str(claims.get("email") or "This account (no verified email)"), tenant)
        membership = await identities.membership_by_email(tenant_id, email)
        config = tenant.auth.staff
        assert config is not None
        if membership is not None and membership.oidc_subject is None:
            await identities.link_membership(tenant_id, membership.id, issuer, subject)
            how = "invitation"
        elif membership is None and email.rsplit("@", 1)[1] in config.allowed_email_domains:
            name = str(claims.get("name") or "")
            membership = await identities.add_membership(
                tenant_id, email, name, StaffRole.VIEWER, issuer, subject
            )
            how = "allowed_domain"
        elif membership is not None:
            raise AuthenticationError(
                f"{email} is already linked to another sign-in account at {tenant.name}",
                code="identity_conflict",
            )
        else:
            raise _not_invited(email, tenant)
    if not membership.active:
        raise AuthenticationError(
            f"{membership.user.email}'s access to {tenant.name} has been removed", code="membership_inactive"
        )
    session, secret = await sessions.start(
        tenant_id,
        kind=sessions.STAFF,
        principal=membership.user.email,
        membership_id=membership.id,
        id_token=tokens.get("id_token", ""),
        origin=origin,
    )
    await audit.record(
        actor(tenant_id, tenant.slug, STAFF, membership.user.email),
        "auth.signed_in",
        target_type="membership",
        target_id=membership.id,
        details={"audience": STAFF, "linked_by": how, "role": membership.role, "session": session.id},
        origin=origin,
    )
    return SignedIn(session=session, secret=secret, principal=membership.user.email)


async def sign_in_contact(
    tenant: TenantConfig,
    tenant_id: int,
    invitation: str | None,
    claims: dict[str, Any],
    tokens: dict[str, Any],
    origin: Origin,
) -> SignedIn:
    issuer, subject = str(claims["iss"]).rstrip("/"), str(claims["sub"])
    email = _verified_email(claims)
    how = "subject"
    contact = await identities.contact_by_subject(tenant_id, issuer, subject)
    if invitation:
        if email is None:
            raise _not_invited("This account (no verified email)", tenant)
        contact = await invitations.redeem(
            tenant_id, tenant.slug, invitation, email, (issuer, subject), contact, origin
        )
        how = "invitation_link"
    if contact is None:
        if email is None:
            raise _not_invited(str(claims.get("email") or "This account (no verified email)"), tenant)
        contact = await identities.contact_by_email(tenant_id, email)
        if contact is None or contact.oidc_subject is not None:
            raise _not_invited(email, tenant)
        how = "invitation"
    if contact.oidc_subject is None:
        await identities.link_contact(tenant_id, contact.id, issuer, subject)
    session, secret = await sessions.start(
        tenant_id,
        kind=sessions.CONTACT,
        principal=contact.email,
        contact_id=contact.id,
        id_token=tokens.get("id_token", ""),
        origin=origin,
    )
    await audit.record(
        actor(tenant_id, tenant.slug, PORTAL, contact.email),
        "auth.signed_in",
        target_type="contact",
        target_id=contact.id,
        details={"audience": PORTAL, "linked_by": how, "session": session.id},
        origin=origin,
    )
    return SignedIn(session=session, secret=secret, principal=contact.email)


def actor(tenant_id: int, slug: str, audience: str, who: str) -> Scope:
    """The scope audit rows of a sign-in are written under: the person, before they have a session."""
    kind = PrincipalKind.CONTACT if audience == PORTAL else PrincipalKind.STAFF
    return Scope(tenant_id=tenant_id, tenant_slug=slug, kind=kind, principal=who[:254])
