"""The tenancy choke point: every query of a tenant-owned model starts here.

Repositories call ``scoped(Model, scope)`` instead of ``Model.filter(...)``; a test fails the build when
any module outside the repositories touches a tenant-owned model's query API directly.
"""

from __future__ import annotations

from typing import TypeVar

from tortoise.queryset import QuerySet

from app.models.base import TenantOwned
from app.scope import Scope

M = TypeVar("M", bound=TenantOwned)


def scoped(model: type[M], scope: Scope) -> QuerySet[M]:
    """All rows of ``model`` the caller may see: its tenant's, and for contacts only their accounts'."""
    query = model.filter(tenant_id=scope.tenant_id)
    if scope.sales_owner is not None:
        query = _own_customers_only(model, query, scope.sales_owner)
    if scope.customer_ids is None:
        return query
    if model.customer_path is None:
        # Not customer-specific data (FX rates, tokens, audit): nothing of it exists for a contact.
        return query.filter(id__in=[])
    return query.filter(**{f"{model.customer_path}__in": sorted(scope.customer_ids)})


def _own_customers_only(model: type[M], query: QuerySet[M], owner: str) -> QuerySet[M]:
    """Restrict to rows of customers whose sales owner is ``owner`` (the sales access rule)."""
    path = model.customer_path
    if path is None:
        return query
    # "customer_id" -> "customer__sales_owner"; the account itself ("id") -> "sales_owner".
    owner_path = "sales_owner" if path == "id" else path.removesuffix("_id") + "__sales_owner"
    return query.filter(**{owner_path: owner})


def new_row(model: type[M], scope: Scope, **values) -> M:
    """An unsaved row of ``model`` stamped with the caller's tenant (for ``save`` or ``bulk_create``)."""
    return model(tenant_id=scope.tenant_id, **values)
