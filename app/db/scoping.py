"""The tenancy choke point: every query of a tenant-owned model starts here.

Repositories call ``scoped(Model, scope)`` instead of ``Model.filter(...)``; a test fails the build when
any module outside the repositories touches a tenant-owned model's query API directly.
"""

from __future__ import annotations

from typing import TypeVar

from tortoise.expressions import Q
from tortoise.query_utils import Prefetch
from tortoise.queryset import QuerySet

from app.models.base import TenantOwned
from app.scope import Scope

M = TypeVar("M", bound=TenantOwned)


def scoped(model: type[M], scope: Scope) -> QuerySet[M]:
    """All rows of ``model`` the caller may see: its tenant's, and for contacts only their accounts'."""
    query = model.filter(tenant_id=scope.tenant_id)
    if scope.sales_owner is not None:
        query = _own_customers_only(model, query, scope)
    if scope.customer_ids is None:
        return query
    if model.customer_path is None:
        # Not customer-specific data (FX rates, tokens, audit): nothing of it exists for a contact.
        return query.filter(id__in=[])
    path = model.customer_path
    return query.filter(**{f"{path}__in": sorted(scope.customer_ids)}, **_hops_tenant(path, scope))


def _hops_tenant(path: str, scope: Scope) -> dict[str, int]:
    """``path`` through related tables (``request__customer__sales_owner``) joins each on its id alone; each
    is filtered by the tenant too, so every table a statement names is (docs/scaling.md, "Queries")."""
    hops = path.split("__")[:-1]
    return {"__".join(hops[: i + 1]) + "__tenant_id": scope.tenant_id for i in range(len(hops))}


def _own_customers_only(model: type[M], query: QuerySet[M], scope: Scope) -> QuerySet[M]:
    """Restrict to rows of customers whose sales owner is the caller (the sales access rule)."""
    path = model.customer_path
    if path is None:
        return query
    # "customer_id" -> "customer__sales_owner"; the account itself ("id") -> "sales_owner".
    owner_path = "sales_owner" if path == "id" else path.removesuffix("_id") + "__sales_owner"
    return query.filter(**{owner_path: scope.sales_owner}, **_hops_tenant(owner_path, scope))


def related(model: type[M], scope: Scope, *names: str) -> list[Prefetch | str]:
    """``prefetch_related`` arguments for ``names``, each tenant-owned one read with the tenant's filter:
    a bare prefetch reads ``WHERE id IN (...)`` alone (docs/scaling.md, "Queries"). The rows prefetched
    are the parents' own relations, so no narrower rule (a contact's accounts) applies to them."""
    out: list[Prefetch | str] = []
    for name in names:
        target = model._meta.fields_map[name].related_model
        is_owned = issubclass(target, TenantOwned)
        out.append(Prefetch(name, queryset=target.filter(tenant_id=scope.tenant_id)) if is_owned else name)
    return out


def joined(query: QuerySet[M], scope: Scope, *names: str) -> QuerySet[M]:
    """``query.select_related(*names)`` with each joined tenant-owned relation filtered by the tenant too:
    the ORM joins it on its id alone, which Citus cannot route (docs/scaling.md, "Queries"). A relation
    that may be null keeps the rows without one."""
    model = query.model
    for name in names:
        field = model._meta.fields_map[name]
        if not issubclass(field.related_model, TenantOwned):
            continue
        same_tenant = Q(**{f"{name}__tenant_id": scope.tenant_id})
        query = query.filter(
            Q(same_tenant, Q(**{f"{name}_id__isnull": True}), join_type="OR") if field.null else same_tenant
        )
    return query.select_related(*names)


def new_row(model: type[M], scope: Scope, **values) -> M:
    """An unsaved row of ``model`` stamped with the caller's tenant (for ``save`` or ``bulk_create``)."""
    return model(tenant_id=scope.tenant_id, **values)
