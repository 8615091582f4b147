"""Every invoice as of a date, in keyset chunks of invoice id, for exports of any size.

An export of a million invoices cannot page by OFFSET (each page would re-read everything before it)
nor read them at once. Each chunk continues after the last invoice id of the one before, so every
statement reads ``limit`` rows along the primary key: on SQLite the tenant and date terms are kept from
choosing an index (``unindexed``) so the rowid range is the access path. The open amount as of the date
is the same expression every as-of figure uses (``open_items``): what is open now plus the settlements
dated after the date, probed only for invoices whose last settlement is after it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.plans import ordered_join, unindexed
from app.db.sql import fetch_all
from app.inputs.text import like_contains
from app.receivables.repository.open_items import _later_settled
from app.scope import Scope


async def invoice_chunk(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    *,
    after_id: int,
    limit: int,
    open_only: bool = False,
    overdue_only: bool = False,
    number: str | None = None,
) -> list[dict[str, Any]]:
    """Up to ``limit`` invoices with id > ``after_id`` existing as of ``as_of`` (issued by then, neither
    void nor draft), ordered by id, with their open amount then and their customer's number and name."""
    condition, params = customer_condition(scope, flt)
    outer = []
    if open_only or overdue_only:
        outer.append("o.open_amount <> 0")
    if overdue_only:
        outer.append("o.due_date < :as_of")
    inner = ""
    if number:
        inner = " AND LOWER(i.number) LIKE :number ESCAPE '\\'"
        params["number"] = like_contains(number.lower())
    joined = ordered_join("invoice i", "customer_account cu", "cu.id = i.customer_id")
    sql = f"""
SELECT o.* FROM (
  SELECT i.id AS invoice_id, i.customer_id, i.number, i.status, i.currency, i.due_date, i.issue_date,
         i.total, i.total - i.settled + {_later_settled()} AS open_amount,
         cu.account_number, cu.legal_name
  FROM {joined}
  WHERE {unindexed("i.tenant_id")} = :tenant_id AND i.id > :after_id
    AND i.status NOT IN ('void', 'draft') AND {unindexed("i.issue_date")} <= :as_of
    AND {condition}{inner}
) o{" WHERE " + " AND ".join(outer) if outer else ""}
ORDER BY o.invoice_id LIMIT :limit"""
    return await fetch_all(sql, {**params, "as_of": as_of, "after_id": after_id, "limit": limit})
