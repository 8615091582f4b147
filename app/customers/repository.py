"""Customer account queries, and the SQL condition that applies a scope and a filter to accounts.

``customer_condition`` is the one place raw SQL restricts ``customer_account``: the tenant, the sales
access rule and the customer restriction of the scope, then the caller's filter. Every aggregate query of
the receivables repository joins ``customer_account`` and puts this condition in its WHERE.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.customers.filters import CustomerFilter
from app.db.paging import page_and_total
from app.db.scoping import scoped
from app.db.sql import fetch_all
from app.inputs.text import like_contains
from app.models import CustomerAccount
from app.scope import Scope

_EQUALS = ("region", "segment", "country", "risk_rating", "sales_owner", "kyc_status", "currency")


def customer_condition(scope: Scope, flt: CustomerFilter, alias: str = "cu") -> tuple[str, dict[str, Any]]:
    """SQL (for ``WHERE``) and its parameters: the accounts of ``alias`` the scope may see and the filter keeps."""
    parts = [f"{alias}.tenant_id = :tenant_id"]
    params: dict[str, Any] = {"tenant_id": scope.tenant_id}
    if scope.sales_owner is not None:
        parts.append(f"{alias}.sales_owner = :scope_sales_owner")
        params["scope_sales_owner"] = scope.sales_owner
    ids: set[int] | None = None
    if scope.customer_ids is not None:
        ids = set(scope.customer_ids)
    if flt.customer_ids is not None:
        ids = set(flt.customer_ids) if ids is None else ids & set(flt.customer_ids)
    if ids is not None:
        if not ids:
            parts.append("1 = 0")
        else:
            names = []
            for n, customer_id in enumerate(sorted(ids)):
                params[f"cid{n}"] = customer_id
                names.append(f":cid{n}")
            parts.append(f"{alias}.id IN ({', '.join(names)})")
    for name in _EQUALS:
        value = getattr(flt, name)
        if value is not None:
            parts.append(f"{alias}.{name} = :f_{name}")
            params[f"f_{name}"] = value
    if flt.search:
        # % and _ in a search are the characters themselves (app.inputs.text.like_contains).
        parts.append(
            f"(LOWER({alias}.legal_name) LIKE :f_search ESCAPE '\\' "
            f"OR LOWER({alias}.account_number) LIKE :f_search ESCAPE '\\')"
        )
        params["f_search"] = like_contains(flt.search.strip().lower())
    return " AND ".join(parts), params


def is_whole_tenant(scope: Scope, flt: CustomerFilter) -> bool:
    """Whether ``customer_condition`` keeps every account of the tenant (no access rule, no filter): a
    statement whose documents carry the tenant may then leave the accounts out of its joins."""
    return scope.sales_owner is None and scope.customer_ids is None and flt == CustomerFilter()


async def by_ids(scope: Scope, customer_ids: list[int]) -> dict[int, CustomerAccount]:
    rows = await scoped(CustomerAccount, scope).filter(id__in=customer_ids)
    return {row.id: row for row in rows}


async def by_id(scope: Scope, customer_id: int) -> CustomerAccount | None:
    return await scoped(CustomerAccount, scope).get_or_none(id=customer_id)


async def related_by_customer(
    scope: Scope, model: type, customer_ids: list[int], order_by: tuple[str, ...], **filters: Any
) -> dict[int, list]:
    """Rows of a customer-owned ``model`` for many customers in one query, grouped by customer id."""
    grouped: dict[int, list] = {customer_id: [] for customer_id in customer_ids}
    if not customer_ids:
        return grouped
    for row in await scoped(model, scope).filter(customer_id__in=customer_ids, **filters).order_by(*order_by):
        grouped[row.customer_id].append(row)
    return grouped


async def page_by_name(
    scope: Scope, flt: CustomerFilter, offset: int, limit: int
) -> tuple[list[CustomerAccount], int]:
    """One page of the accounts ordered by name, and how many match, in one statement: no figures
    needed. The page is chosen on the narrow name and id columns; only its own rows are read whole."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
WITH page AS (
  SELECT cu.id, cu.legal_name, COUNT(*) OVER () AS page_total FROM customer_account cu WHERE {condition}
  ORDER BY cu.legal_name, cu.id LIMIT :limit OFFSET :offset
)
SELECT c.*, page.page_total FROM page JOIN customer_account c ON c.id = page.id
ORDER BY page.legal_name, page.id"""
    rows, total = await page_and_total(
        lambda o, n: fetch_all(sql, {**params, "limit": n, "offset": o}), offset, limit, "page_total"
    )
    # Built as Tortoise builds the rows of its own SELECT (the extra page_total column is ignored).
    return [CustomerAccount._init_from_db(**r) for r in rows], total


async def kyc_reviews_due(scope: Scope, before: date) -> list[CustomerAccount]:
    """Accounts whose next KYC review is on or before ``before``, soonest first."""
    return await (
        scoped(CustomerAccount, scope)
        .filter(kyc_next_review__isnull=False, kyc_next_review__lte=before)
        .order_by("kyc_next_review", "legal_name", "id")
    )
