"""Tenant access rules that narrow a staff caller's scope beyond its role.

Applied once where a credential becomes a scope (the GraphQL endpoint, the exports), so every service and
repository below sees the narrowed scope and cannot forget the rule.
"""

from __future__ import annotations

import dataclasses

from app.models.enums import StaffRole
from app.scope import Scope
from app.tenancy.config import TenantConfig


def apply_access_rules(scope: Scope, config: TenantConfig) -> Scope:
    """Sales staff see only their own customers when the tenant file says so
    (``access.sales_sees_own_customers_only``); everyone else is unchanged."""
    if scope.role == StaffRole.SALES and config.access.sales_sees_own_customers_only:
        return dataclasses.replace(scope, sales_owner=scope.principal)
    return scope
