"""Who is asking, for which tenant and which customer accounts.

Every service takes a ``Scope`` first and every repository query starts from it, so the tenant and the
customer restriction are applied in one place rather than remembered in each query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.models.enums import ContactRole, StaffRole


class PrincipalKind(StrEnum):
    STAFF = "staff"
    TOKEN = "token"
    CONTACT = "contact"
    SYSTEM = "system"


@dataclass(frozen=True)
class Scope:
    tenant_id: int
    tenant_slug: str
    kind: PrincipalKind
    #: Human-readable name of the caller for audit rows (an email, ``token:<name>``, ``system``).
    principal: str
    #: Staff role; contacts have none (their roles are per account in ``contact_roles``).
    role: StaffRole | None = None
    #: ``None`` means every customer of the tenant; a set restricts to those accounts.
    customer_ids: frozenset[int] | None = None
    contact_roles: Mapping[int, ContactRole] = field(default_factory=dict)
    principal_id: int | None = None
    #: Set for sales staff of a tenant whose file says ``access.sales_sees_own_customers_only``: only the
    #: customers whose ``sales_owner`` equals this value exist for the caller.
    sales_owner: str | None = None

    @classmethod
    def system(cls, tenant_id: int, tenant_slug: str, principal: str = "system") -> Scope:
        """The scope of the command line and background jobs: a tenant's administrator."""
        return cls(tenant_id, tenant_slug, PrincipalKind.SYSTEM, principal, role=StaffRole.ADMIN)

    @property
    def is_staff(self) -> bool:
        return self.kind in (PrincipalKind.STAFF, PrincipalKind.TOKEN, PrincipalKind.SYSTEM)

    @property
    def is_contact(self) -> bool:
        return self.kind == PrincipalKind.CONTACT
