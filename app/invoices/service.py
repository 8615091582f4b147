"""Invoices as of a date: lists and single invoices with open amounts, what was applied, disputes,
and their disputes (predicted pay dates are ``app.forecast``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from app.auth.permissions import require
from app.customers.filters import NO_FILTER, CustomerFilter
from app.db.paging import page_and_total
from app.errors import NotFound
from app.invoices import repository
from app.invoices.items import OpenItem, open_item_of
from app.models import CreditApplication, Dispute, PaymentAllocation
from app.receivables import repository as ar_repository
from app.receivables.repository import InvoiceOrder
from app.scope import Scope


async def list_invoices(
    scope: Scope,
    *,
    as_of: date,
    flt: CustomerFilter = NO_FILTER,
    order: InvoiceOrder = InvoiceOrder.DUE_DATE,
    offset: int = 0,
    limit: int = 50,
    open_only: bool = False,
    overdue_only: bool = False,
    number: str | None = None,
) -> tuple[list[OpenItem], int]:
    """Invoices existing as of ``as_of`` (issued by then; void and draft excluded) and the total count."""
    require(scope, "ar.read")
    rows, total = await page_and_total(
        lambda o, n: ar_repository.invoice_page(
            scope,
            flt,
            as_of,
            order=order,
            offset=o,
            limit=n,
            open_only=open_only,
            overdue_only=overdue_only,
            number=number,
        ),
        offset,
        limit,
        "total_rows",
    )
    return [open_item_of(r, as_of) for r in rows], total


@dataclass(frozen=True)
class ExportedInvoice:
    item: OpenItem
    account_number: str
    customer_name: str


async def invoice_chunks(
    scope: Scope,
    *,
    as_of: date,
    flt: CustomerFilter = NO_FILTER,
    open_only: bool = False,
    overdue_only: bool = False,
    number: str | None = None,
    chunk: int = 2000,
) -> AsyncIterator[list[ExportedInvoice]]:
    """Every invoice ``list_invoices`` would list, by id, ``chunk`` at a time (keyset, so an export of
    a million rows holds one chunk in memory and each statement reads only its own rows)."""
    require(scope, "ar.read")
    after = 0
    while True:
        rows = await ar_repository.invoice_chunk(
            scope,
            flt,
            as_of,
            after_id=after,
            limit=chunk,
            open_only=open_only,
            overdue_only=overdue_only,
            number=number,
        )
        if rows:
            yield [
                ExportedInvoice(open_item_of(r, as_of), r["account_number"], r["legal_name"]) for r in rows
            ]
        if len(rows) < chunk:
            return
        after = rows[-1]["invoice_id"]


async def get_invoice(scope: Scope, invoice_id: int, as_of: date) -> OpenItem:
    """One invoice as of ``as_of``; another tenant's, or one not issued by then, is "not found"."""
    require(scope, "ar.read")
    rows = await ar_repository.invoice_page(
        scope, NO_FILTER, as_of, order=InvoiceOrder.DUE_DATE, offset=0, limit=1, invoice_ids=[invoice_id]
    )
    if not rows:
        raise NotFound("no invoice with this id")
    return open_item_of(rows[0], as_of)


@dataclass(frozen=True)
class Applied:
    allocations: list[PaymentAllocation]
    credit_applications: list[CreditApplication]


async def applied_to(scope: Scope, invoice_ids: list[int], as_of: date) -> dict[int, Applied]:
    """Payments and credit notes applied to each invoice on or before ``as_of`` (two queries)."""
    require(scope, "ar.read")
    allocations: dict[int, list] = defaultdict(list)
    credits: dict[int, list] = defaultdict(list)
    for a in await repository.allocations(scope, invoice_ids, as_of):
        allocations[a.invoice_id].append(a)
    for c in await repository.credit_applications(scope, invoice_ids, as_of):
        credits[c.invoice_id].append(c)
    return {i: Applied(allocations[i], credits[i]) for i in invoice_ids}


async def disputes_of(scope: Scope, invoice_ids: list[int]) -> dict[int, list[Dispute]]:
    require(scope, "ar.read")
    out: dict[int, list[Dispute]] = defaultdict(list)
    for d in await repository.disputes(scope, invoice_ids):
        out[d.invoice_id].append(d)
    return out
