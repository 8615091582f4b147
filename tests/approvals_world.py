"""Staff people of two tenants with the roles approvals route to, for the approvals tests."""

from __future__ import annotations

from app.models.enums import StaffRole
from app.scope import PrincipalKind, Scope


def person(scope: Scope, name: str, role: StaffRole) -> Scope:
    """A signed-in staff member ``name`` of ``scope``'s tenant with ``role``."""
    return Scope(
        scope.tenant_id,
        scope.tenant_slug,
        PrincipalKind.STAFF,
        f"{name}@{scope.tenant_slug}.example",
        role=role,
        principal_id=abs(hash(name)) % 100_000,
    )


class Staff:
    """The usual cast: a salesperson who asks, two credit analysts, a controller (finance), an admin."""

    def __init__(self, scope: Scope) -> None:
        self.sales = person(scope, "sam", StaffRole.SALES)
        self.credit = person(scope, "cora", StaffRole.CREDIT)
        self.credit2 = person(scope, "carl", StaffRole.CREDIT)
        self.finance = person(scope, "fay", StaffRole.FINANCE)
        self.finance2 = person(scope, "finn", StaffRole.FINANCE)
        self.admin = person(scope, "ada", StaffRole.ADMIN)
        self.collections = person(scope, "cole", StaffRole.COLLECTIONS)
        self.compliance = person(scope, "cleo", StaffRole.COMPLIANCE)
        self.compliance2 = person(scope, "cato", StaffRole.COMPLIANCE)
