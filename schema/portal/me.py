"""``me``: the signed-in contact, its tenant, and the customer accounts it may act for."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.contacts import service as contacts
from app.tenancy.branding import brand_of
from schema.common import ids


@strawberry.type(description="The signed-in person.")
class PortalContact:
    email: str
    name: str


@strawberry.type(description="How the tenant's portal looks: its logo (a data: URI) and colours.")
class PortalBranding:
    logo_url: str
    primary_color: str
    accent_color: str


@strawberry.type(description="The company the contact's accounts are with.")
class PortalTenant:
    slug: str
    name: str

    @strawberry.field
    def branding(self, info: Info) -> PortalBranding:
        b = brand_of(info.context.tenants.require(self.slug))
        return PortalBranding(logo_url=b.logo, primary_color=b.primary_color, accent_color=b.accent_color)


@strawberry.type(description="A customer account the contact may act for, with its role there.")
class PortalAccount:
    id: strawberry.ID
    name: str
    role: str


@strawberry.type(description="The contact, its tenant and its accounts.")
class Me:
    contact: PortalContact
    tenant: PortalTenant
    accounts: list[PortalAccount]


@strawberry.type
class MeQuery:
    @strawberry.field(description="Who is signed in, for which company, on which accounts.")
    async def me(self, info: Info) -> Me:
        profile = await contacts.me(info.context.scope)
        return Me(
            contact=PortalContact(email=profile.email, name=profile.name),
            tenant=PortalTenant(slug=profile.tenant_slug, name=profile.tenant_name),
            accounts=[
                PortalAccount(
                    id=strawberry.ID(ids.encode_id("Account", a.id)), name=a.name, role=a.role.value
                )
                for a in profile.accounts
            ],
        )
