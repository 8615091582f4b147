"""What a signed-in contact sees of itself: who it is, for which tenant, on which accounts with what role.

Everything is read through the contact's scope, so the accounts listed are exactly the ones it was
granted and another customer's account does not exist for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.permissions import require_contact
from app.contacts import repository
from app.errors import NotFound, PermissionDenied
from app.models.enums import ContactRole
from app.scope import Scope
from app.tenancy.service import current_tenant


@dataclass(frozen=True)
class AccountRole:
    id: int
    name: str
    role: ContactRole


@dataclass(frozen=True)
class ContactProfile:
    email: str
    name: str
    tenant_slug: str
    tenant_name: str
    accounts: list[AccountRole]


async def me(scope: Scope) -> ContactProfile:
    if not scope.is_contact or scope.principal_id is None:
        raise PermissionDenied("only customer contacts have a portal profile")
    contact = await repository.contact(scope, scope.principal_id)
    if contact is None:
        raise NotFound("contact not found")
    tenant = await current_tenant(scope)
    accounts = []
    for account in await repository.accounts(scope):
        require_contact(scope, "portal.read", account.id)
        accounts.append(AccountRole(account.id, account.legal_name, scope.contact_roles[account.id]))
    return ContactProfile(contact.email, contact.name, tenant.slug, tenant.name, accounts)
