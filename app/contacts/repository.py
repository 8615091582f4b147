"""Contact and account queries for the portal; every one starts from the caller's scope."""

from __future__ import annotations

from app.db.scoping import scoped
from app.models import Contact, CustomerAccount
from app.scope import Scope


async def contact(scope: Scope, contact_id: int) -> Contact | None:
    return await scoped(Contact, scope).filter(id=contact_id).first()


async def accounts(scope: Scope) -> list[CustomerAccount]:
    return await scoped(CustomerAccount, scope).order_by("legal_name", "id")
