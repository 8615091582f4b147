"""``viewer``: who the caller is and which tenant it acts for."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.tenancy import service as tenancy
from schema.permissions import requires


@strawberry.type(description="The selling company whose receivables these are.")
class TenantInfo:
    slug: str
    name: str
    base_currency: str
    timezone: str


@strawberry.type(description="The caller: its tenant and role.")
class Viewer:
    tenant: TenantInfo
    role: str
    principal: str


@strawberry.type
class ViewerQuery:
    @strawberry.field(extensions=requires("viewer.read"), description="Who is calling, for which tenant.")
    async def viewer(self, info: Info) -> Viewer:
        scope = info.context.scope
        tenant = await tenancy.current_tenant(scope)
        return Viewer(
            tenant=TenantInfo(
                slug=tenant.slug,
                name=tenant.name,
                base_currency=tenant.base_currency,
                timezone=tenant.timezone,
            ),
            role=scope.role.value if scope.role else scope.kind.value,
            principal=scope.principal,
        )
