"""Contact invitation rows. Redeeming one happens during sign-in, before a scope exists, so that lookup
filters by the tenant id of the sign-in route explicitly."""

from __future__ import annotations

from datetime import datetime

from app.db.scoping import new_row, scoped
from app.models import ContactInvitation, CustomerAccount
from app.scope import Scope


async def insert(scope: Scope, **values) -> ContactInvitation:
    invitation = new_row(ContactInvitation, scope, **values)
    await invitation.save()
    return invitation


async def by_hash(tenant_id: int, token_hash: str) -> ContactInvitation | None:
    """Pre-scope (sign-in with an invitation link): the invitation the link names, in this tenant."""
    return await ContactInvitation.get_or_none(tenant_id=tenant_id, token_hash=token_hash)


async def mark_used(tenant_id: int, invitation_id: int, when: datetime) -> bool:
    """Pre-scope (sign-in): use the invitation up; False when someone else used it first."""
    updated = await ContactInvitation.filter(tenant_id=tenant_id, id=invitation_id, used_at=None).update(
        used_at=when
    )
    return updated == 1


async def customer_exists(scope: Scope, customer_id: int) -> bool:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).exists()


async def customer_name(scope: Scope, customer_id: int) -> str:
    row = await scoped(CustomerAccount, scope).filter(id=customer_id).first().values("legal_name")
    return str(row["legal_name"]) if row else ""
