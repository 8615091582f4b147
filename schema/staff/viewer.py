"""``viewer``: who the caller is and which tenant it acts for.

The tenant's row is read only when ``tenant`` is selected: ``{ viewer { role } }`` is what clients send
to check a credential, and it needs nothing the credential check has not already read.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.scope import Scope
from app.tenancy import service as tenancy
from schema.permissions import requires


@strawberry.type(description="The selling company whose receivables these are.")
class TenantInfo:
    slug: str
    name: str
    base_currency: str
    timezone: str


async def _tenant(root: Viewer) -> TenantInfo:
    tenant = await tenancy.current_tenant(root.scope)
    return TenantInfo(
        slug=tenant.slug, name=tenant.name, base_currency=tenant.base_currency, timezone=tenant.timezone
    )


@strawberry.type(description="The caller: its tenant and role.")
class Viewer:
    scope: strawberry.Private[Scope]
    tenant: TenantInfo = strawberry.field(resolver=_tenant)
    role: str
    principal: str


@strawberry.type
class ViewerQuery:
    @strawberry.field(extensions=requires("viewer.read"), description="Who is calling, for which tenant.")
    async def viewer(self, info: Info) -> Viewer:
        scope = info.context.scope
        return Viewer(
            scope=scope,
            role=scope.role.value if scope.role else scope.kind.value,
            principal=scope.principal,
        )
