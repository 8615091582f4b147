"""Customers and contacts for sign-in tests, written the way ERP ingest or staff would create them."""

from __future__ import annotations

from app.auth.repositories import identities
from app.db.scoping import new_row
from app.models import CustomerAccount
from app.models.enums import ContactRole
from app.scope import Scope


async def customer(scope: Scope, name: str) -> CustomerAccount:
    key = name.lower().replace(" ", "-")
    row = new_row(
        CustomerAccount, scope, external_id=key, account_number=key[:40], legal_name=name, currency="USD"
    )
    await row.save()
    return row


async def contact(scope: Scope, email: str, grants: dict[int, ContactRole]) -> int:
    """A contact (not yet linked to any provider identity) with roles on some accounts; returns its id."""
    row = await identities.add_contact(scope.tenant_id, email, email.split("@")[0])
    for customer_id, role in grants.items():
        await identities.grant_access(scope.tenant_id, row.id, customer_id, role)
    return row.id
