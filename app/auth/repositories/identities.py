"""Finding and linking the people who sign in: staff memberships and customer contacts.

These lookups run before a scope exists (the sign-in is what creates it), so each filters by the tenant id
explicitly: the tenant comes from the sign-in route, never from the provider's answer.
"""

from __future__ import annotations

from app.models import Contact, ContactAccess, Membership, StaffUser
from app.models.enums import ContactRole, StaffRole


async def membership_by_subject(tenant_id: int, issuer: str, subject: str) -> Membership | None:
    """Pre-scope (sign-in): the membership already linked to this provider identity."""
    return await Membership.get_or_none(
        tenant_id=tenant_id, oidc_issuer=issuer, oidc_subject=subject
    ).select_related("user")


async def membership_by_email(tenant_id: int, email: str) -> Membership | None:
    """Pre-scope (sign-in): the tenant's membership of the staff user with this email, linked or not."""
    return (
        await Membership.filter(tenant_id=tenant_id, user__email=email.lower()).select_related("user").first()
    )


async def membership_by_id(tenant_id: int, membership_id: int) -> Membership | None:
    """Pre-scope (session cookie): the membership a session belongs to."""
    return await Membership.get_or_none(tenant_id=tenant_id, id=membership_id).select_related("user")


async def link_membership(tenant_id: int, membership_id: int, issuer: str, subject: str) -> None:
    """Pre-scope (first sign-in): remember the provider identity of an invited membership."""
    await Membership.filter(tenant_id=tenant_id, id=membership_id).update(
        oidc_issuer=issuer, oidc_subject=subject
    )


async def add_membership(
    tenant_id: int,
    email: str,
    name: str,
    role: StaffRole,
    issuer: str | None = None,
    subject: str | None = None,
) -> Membership:
    """A staff user (created when new) and its membership in the tenant."""
    user, _ = await StaffUser.get_or_create(email=email.lower(), defaults={"name": name})
    membership = await Membership.create(
        tenant_id=tenant_id, user=user, role=role, oidc_issuer=issuer, oidc_subject=subject
    )
    membership.user = user
    return membership


async def contact_by_subject(tenant_id: int, issuer: str, subject: str) -> Contact | None:
    """Pre-scope (sign-in): the contact already linked to this provider identity."""
    return await Contact.get_or_none(tenant_id=tenant_id, oidc_issuer=issuer, oidc_subject=subject)


async def contact_by_email(tenant_id: int, email: str) -> Contact | None:
    """Pre-scope (sign-in, invitation): the tenant's contact with this email."""
    return await Contact.get_or_none(tenant_id=tenant_id, email=email.lower())


async def contact_by_id(tenant_id: int, contact_id: int) -> Contact | None:
    """Pre-scope (session cookie): the contact a session belongs to."""
    return await Contact.get_or_none(tenant_id=tenant_id, id=contact_id)


async def link_contact(tenant_id: int, contact_id: int, issuer: str, subject: str) -> None:
    """Pre-scope (first sign-in): remember the provider identity of an invited contact."""
    await Contact.filter(tenant_id=tenant_id, id=contact_id).update(oidc_issuer=issuer, oidc_subject=subject)


async def add_contact(tenant_id: int, email: str, name: str = "") -> Contact:
    return await Contact.create(tenant_id=tenant_id, email=email.lower(), name=name)


async def grant_access(tenant_id: int, contact_id: int, customer_id: int, role: ContactRole) -> None:
    """Give a contact a role on a customer account (or change the role it has there)."""
    existing = await ContactAccess.get_or_none(
        tenant_id=tenant_id, contact_id=contact_id, customer_id=customer_id
    )
    if existing is None:
        await ContactAccess.create(
            tenant_id=tenant_id, contact_id=contact_id, customer_id=customer_id, role=role
        )
    elif existing.role != role:
        await ContactAccess.filter(id=existing.id).update(role=role)


async def contact_roles(tenant_id: int, contact_id: int) -> dict[int, ContactRole]:
    """Pre-scope (building a contact's scope): customer account id -> the contact's role there."""
    rows = await ContactAccess.filter(tenant_id=tenant_id, contact_id=contact_id).values_list(
        "customer_id", "role"
    )
    return {customer_id: ContactRole(role) for customer_id, role in rows}
