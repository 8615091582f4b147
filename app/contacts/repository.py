"""Contact and account queries for the portal; every one starts from the caller's scope."""

from __future__ import annotations

from app.db.scoping import new_row, scoped
from app.models import Contact, CustomerAccount
from app.scope import Scope


async def contact(scope: Scope, contact_id: int) -> Contact | None:
    return await scoped(Contact, scope).filter(id=contact_id).first()


async def accounts(scope: Scope) -> list[CustomerAccount]:
    return await scoped(CustomerAccount, scope).order_by("legal_name", "id")


async def first_accounts(scope: Scope, limit: int) -> list[CustomerAccount]:
    return await scoped(CustomerAccount, scope).order_by("id").limit(limit)


async def add_account(scope: Scope, **values) -> CustomerAccount:
    """Used by the demo only: a customer account to hang demo contacts on when there is none yet."""
    account = new_row(CustomerAccount, scope, **values)
    await account.save()
    return account
