"""Every query of disputes and the credit notes their decisions issue; each starts from the scope."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.functions import Sum

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.scoping import new_row, related, scoped
from app.db.sql import fetch_all
from app.errors import NotFound
from app.models import CreditNote, CustomerAccount, Dispute, Invoice
from app.models.enums import DisputeStatus
from app.scope import Scope

OPEN = (DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW)


async def add(scope: Scope, **values) -> Dispute:
    row = new_row(Dispute, scope, **values)
    await row.save()
    return row


async def get(scope: Scope, dispute_id: int) -> Dispute | None:
    return (
        await scoped(Dispute, scope)
        .filter(id=dispute_id)
        .prefetch_related(*related(Dispute, scope, "invoice", "contact"))
        .first()
    )


async def held_on_invoice(scope: Scope, invoice_id: int) -> int:
    row = (
        await scoped(Dispute, scope)
        .filter(invoice_id=invoice_id, status__in=OPEN)
        .annotate(held=Sum("amount"))
        .first()
        .values("held")
    )
    return int((row or {}).get("held") or 0)


async def open_disputes(scope: Scope, customer_id: int | None = None, limit: int = 100) -> list[Dispute]:
    query = scoped(Dispute, scope).filter(status__in=OPEN)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return (
        await query.order_by("opened_on", "id")
        .limit(limit)
        .prefetch_related(*related(Dispute, scope, "invoice"))
    )


async def update(scope: Scope, dispute_id: int, **values) -> int:
    return await scoped(Dispute, scope).filter(id=dispute_id).update(**values)


async def external_ids(scope: Scope, customer_id: int, invoice_id: int) -> tuple[str, str]:
    """The ERP keys of a customer and one of its invoices, as the ingest batch names them."""
    customer = await scoped(CustomerAccount, scope).filter(id=customer_id).first().values("external_id")
    invoice = await scoped(Invoice, scope).filter(id=invoice_id).first().values("external_id")
    if not customer or not invoice:
        raise NotFound("invoice not found")
    return customer["external_id"], invoice["external_id"]


async def credit_note(scope: Scope, external_id: str) -> CreditNote | None:
    return await scoped(CreditNote, scope).filter(external_id=external_id).first()


async def add_staff_message(scope: Scope, request_id: int, body: str) -> None:
    from app.models import SupportMessage
    from app.models.enums import MessageAuthor

    await new_row(
        SupportMessage, scope, request_id=request_id, author_kind=MessageAuthor.STAFF, body=body
    ).save()


async def open_by_reason_and_age(scope: Scope, as_of: date, edges: list[int]) -> list[dict]:
    """(reason_code, age band, currency, count, amount) of the disputes open as of ``as_of`` (the
    same disputes ``arSummary.openDisputes`` counts: opened by then, open or under review). Band n
    holds disputes opened at most ``edges[n]`` days before ``as_of``; the last band is older."""
    condition, params = customer_condition(scope, CustomerFilter())
    cases = " ".join(f"WHEN d.opened_on >= :edge{n} THEN {n}" for n in range(len(edges)))
    params.update({f"edge{n}": as_of - timedelta(days=days) for n, days in enumerate(edges)})
    sql = f"""
SELECT d.reason_code, CASE {cases} ELSE {len(edges)} END AS band, d.currency,
       COUNT(*) AS n, SUM(d.amount) AS amount
FROM dispute d JOIN customer_account cu ON cu.id = d.customer_id
WHERE d.tenant_id = :tenant_id AND d.opened_on <= :as_of AND d.status IN ('open', 'under_review')
  AND {condition}
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [
        {
            "reason": r["reason_code"],
            "band": int(r["band"]),
            "currency": r["currency"],
            "count": int(r["n"]),
            "amount": int(r["amount"]),
        }
        for r in rows
    ]
