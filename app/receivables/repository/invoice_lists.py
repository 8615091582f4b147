"""Invoices as of a date with their open amounts then: pages, a customer's open items, the oldest
open invoices of many customers, overdue alert candidates."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.sql import fetch_all
from app.inputs.text import like_contains
from app.receivables.repository.open_items import (
    Arm,
    GroupBy,
    held_by_disputes,
    invoices_as_of,
    is_selective,
    open_items,
    probes,
    with_later,
)
from app.scope import Scope


async def open_invoices_of(
    scope: Scope, customer_ids: list[int], as_of: date, per_customer: int
) -> list[dict[str, Any]]:
    """The ``per_customer`` oldest-due open invoices (as of ``as_of``) of each customer, in one query."""
    condition, params = customer_condition(scope, CustomerFilter(customer_ids=frozenset(customer_ids)))
    sql = f"""
SELECT * FROM (
  SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.due_date, o.invoice_id) AS position
  FROM ({open_items(GroupBy.NONE, condition, selective=True)}) o WHERE o.open_amount <> 0
) ranked WHERE ranked.position <= :per_customer
ORDER BY ranked.customer_id, ranked.position"""
    return await fetch_all(sql, {**params, "as_of": as_of, "per_customer": per_customer})


async def open_items_of(scope: Scope, customer_id: int, as_of: date) -> list[dict[str, Any]]:
    """Every invoice of one customer with a non-zero open amount as of ``as_of``, oldest due first (the
    open items a statement lists)."""
    condition, params = customer_condition(scope, CustomerFilter(customer_ids=frozenset({customer_id})))
    sql = f"""
SELECT o.* FROM ({open_items(GroupBy.NONE, condition, selective=True)}) o
WHERE o.open_amount <> 0
ORDER BY o.due_date, o.issue_date, o.number"""
    return await fetch_all(sql, {**params, "as_of": as_of})


class InvoiceOrder(StrEnum):
    DUE_DATE = "due_date"
    ISSUE_DATE = "issue_date"
    OPEN_AMOUNT = "open_amount"
    NUMBER = "number"


_INVOICE_ORDER_SQL = {
    InvoiceOrder.DUE_DATE: "o.due_date, o.invoice_id",
    InvoiceOrder.ISSUE_DATE: "o.issue_date DESC, o.invoice_id DESC",
    InvoiceOrder.OPEN_AMOUNT: "o.open_amount DESC, o.invoice_id",
    InvoiceOrder.NUMBER: "o.number, o.invoice_id",
}


async def invoice_page(
    scope: Scope,
    flt: CustomerFilter,
    as_of: date,
    *,
    order: InvoiceOrder,
    offset: int,
    limit: int,
    open_only: bool = False,
    overdue_only: bool = False,
    invoice_ids: list[int] | None = None,
    number: str | None = None,
) -> list[dict[str, Any]]:
    """Invoices existing as of ``as_of`` (issued by then, not void or draft) with their open amount then,
    a page at a time; each row carries ``total_rows`` (rows before paging)."""
    condition, params = customer_condition(scope, flt)
    extra = []
    if open_only or overdue_only:
        extra.append("o.open_amount <> 0")
    if overdue_only:
        extra.append("o.due_date < :as_of")
    if invoice_ids is not None:
        names = [f":inv{n}" for n in range(len(invoice_ids))]
        params.update({f"inv{n}": i for n, i in enumerate(invoice_ids)})
        extra.append(f"o.invoice_id IN ({', '.join(names) or 'NULL'})")
    if number:
        extra.append("LOWER(o.number) LIKE :number ESCAPE '\\'")
        params["number"] = like_contains(number.lower())
    where = f"WHERE {' AND '.join(extra)}" if extra else ""
    selective = is_selective(flt)
    probing = probes(selective or invoice_ids is not None)
    rows = (
        open_items(GroupBy.NONE, condition, selective, probing)
        if open_only or overdue_only
        else with_later(probing, invoices_as_of(GroupBy.NONE, condition, selective, Arm.ALL, probing))
    )
    sql = f"""
SELECT o.*, COUNT(*) OVER () AS total_rows
FROM ({rows}) o {where}
ORDER BY {_INVOICE_ORDER_SQL[order]} LIMIT :limit OFFSET :offset"""
    return await fetch_all(sql, {**params, "as_of": as_of, "limit": limit, "offset": offset})


async def open_invoices_due_before(scope: Scope, as_of: date, due_before: date) -> list[dict[str, Any]]:
    """Invoices open as of ``as_of`` whose due date is before ``due_before`` (overdue alert candidates).

    An open dispute holds its amount out of collection: ``disputed`` is what open disputes hold on the
    invoice, and an invoice whose whole open amount is disputed is no candidate."""
    condition, params = customer_condition(scope, CustomerFilter())
    held, held_join = held_by_disputes("o.invoice_id", probes(False), opened_by_as_of=False)
    sql = f"""
SELECT o.*, {held} AS disputed FROM ({open_items(GroupBy.NONE, condition)}) o{held_join}
WHERE o.open_amount - {held} > 0 AND o.due_date < :due_before
ORDER BY o.due_date, o.invoice_id"""
    return await fetch_all(sql, {**params, "as_of": as_of, "due_before": due_before})
