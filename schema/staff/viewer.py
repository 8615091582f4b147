"""``viewer``: who the caller is and which tenant it acts for.

The tenant's row is read only when ``tenant`` is selected: ``{ viewer { role } }`` is what clients send
to check a credential, and it needs nothing the credential check has not already read.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from app.scope import PrincipalKind, Scope
from app.tenancy import service as tenancy
from schema.common import ids
from schema.permissions import requires


@strawberry.type(description="The selling company whose receivables these are.")
class TenantInfo:
    slug: str
    name: str
    base_currency: str
    timezone: str
    locale: str = strawberry.field(description="How numbers and dates are written, e.g. en_US, de_DE.")
    today: date = strawberry.field(description="Today in the tenant's time zone: the default as-of date.")


async def _tenant(root: Viewer, info: Info) -> TenantInfo:
    tenant = await tenancy.current_tenant(root.scope)
    return TenantInfo(
        slug=tenant.slug,
        name=tenant.name,
        base_currency=tenant.base_currency,
        timezone=tenant.timezone,
        locale=info.context.tenant_config.locale,
        today=info.context.today(),
    )


@strawberry.type(description="The caller: its tenant and role.")
class Viewer:
    scope: strawberry.Private[Scope]
    tenant: TenantInfo = strawberry.field(resolver=_tenant)
    role: str
    principal: str
    member_id: strawberry.ID | None = strawberry.field(
        description="The caller's staff membership (assignee ids); null for API tokens."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(extensions=requires("viewer.read"), description="Who is calling, for which tenant.")
    async def viewer(self, info: Info) -> Viewer:
        scope = info.context.scope
        return Viewer(
            scope=scope,
            role=scope.role.value if scope.role else scope.kind.value,
            principal=scope.principal,
            member_id=(
                strawberry.ID(ids.encode_id("Member", scope.principal_id))
                if scope.kind == PrincipalKind.STAFF and scope.principal_id
                else None
            ),
        )
