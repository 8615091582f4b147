"""Every query of pay-date forecasting; each starts from the caller's scope (tenant, and the customers
it may see).

The facts are gathered as of a day in SQL: an invoice is settled as of D when its maintained settled sum
reaches its total and the last settlement is dated on or before D (``app.receivables.settlement`` keeps
both exact); an invoice written off, wholly or in part, never counts as paid (a write-off is the opposite of a payment).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.customers.filters import NO_FILTER, CustomerFilter
from app.customers.repository import customer_condition
from app.db.plans import unindexed
from app.db.scoping import new_row, scoped
from app.db.sql import as_date, as_int, days_between, fetch_all
from app.forecast.facts import CustomerFact, InvoiceFact, PortfolioSeries, SettledDay
from app.models import StoredPayDateModel
from app.receivables.repository.open_items import GroupBy, held_by_disputes, open_items, probes
from app.scope import Scope

_RATINGS = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}


def _paid_by() -> str:
    """Invoice ``i`` was paid by :as_of: its maintained settled sum reached the total by then, and no
    part of it was written off (a write-off settles the sum too, but it is the opposite of a payment:
    such an invoice stays unpaid, a censored "at least this late", which is what teaches the model
    never-payers). One definition for the invoice facts and the portfolio series, so the two agree.

    The write-off probe goes by the invoice's index: on SQLite the tenant's index ties with it and was
    picked, a scan of the tenant's write-offs for every invoice (tests/test_sqlite_plans.py)."""
    return f"""i.status <> 'written_off' AND i.settled >= i.total AND i.last_settlement_on <= :as_of
  AND NOT EXISTS (SELECT 1 FROM write_off w
                   WHERE w.invoice_id = i.id AND {unindexed("w.tenant_id")} = i.tenant_id)"""


def _maybe_date(value: Any) -> date | None:
    return None if value is None else as_date(value)


async def invoice_facts(scope: Scope, as_of: date, flt: CustomerFilter = NO_FILTER) -> list[InvoiceFact]:
    """Every receivable invoice issued by ``as_of`` with its settlement, first payment and first dispute
    dates as of then (one statement; the two firsts are index probes per invoice)."""
    condition, params = customer_condition(scope, flt)
    sql = f"""
SELECT i.id, i.customer_id, i.currency, i.total, i.issue_date, i.due_date,
       CASE WHEN {_paid_by()} THEN i.last_settlement_on END AS settled_on,
       (SELECT MIN(a.date) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
         WHERE a.invoice_id = i.id AND {unindexed("a.tenant_id")} = i.tenant_id
           AND {unindexed("p.tenant_id")} = i.tenant_id AND p.status = 'succeeded' AND a.date <= :as_of
       ) AS first_paid_on,
       (SELECT MIN(d.opened_on) FROM dispute d
         WHERE d.invoice_id = i.id AND {unindexed("d.tenant_id")} = i.tenant_id AND d.opened_on <= :as_of
       ) AS disputed_on
FROM invoice i JOIN customer_account cu ON cu.id = i.customer_id
WHERE i.tenant_id = :tenant_id AND {condition} AND i.status NOT IN ('draft', 'void')
  AND i.issue_date <= :as_of
ORDER BY i.id"""
    rows = await fetch_all(sql, {**params, "as_of": as_of})
    return [
        InvoiceFact(
            invoice_id=int(r["id"]),
            customer_id=int(r["customer_id"]),
            currency=r["currency"],
            total=as_int(r["total"]),
            issue_date=as_date(r["issue_date"]),
            due_date=as_date(r["due_date"]),
            settled_on=_maybe_date(r["settled_on"]),
            first_paid_on=_maybe_date(r["first_paid_on"]),
            disputed_on=_maybe_date(r["disputed_on"]),
        )
        for r in rows
    ]


async def portfolio_settlements(scope: Scope, as_of: date) -> PortfolioSeries:
    """The tenant's invoices settled by ``as_of``, by settlement day: how many, their lateness summed and
    how many were late (settled as ``invoice_facts`` reads it; one grouped statement over the
    ``last_settlement_on`` index, whichever customers the caller predicts for)."""
    late = days_between("i.last_settlement_on", "i.due_date")
    rows = await fetch_all(
        f"""
SELECT i.last_settlement_on AS day, COUNT(*) AS n, SUM({late}) AS late_days,
       SUM(CASE WHEN {late} > 0 THEN 1 ELSE 0 END) AS late_n
FROM invoice i
WHERE i.tenant_id = :tenant_id AND i.status NOT IN ('draft', 'void')
  AND {_paid_by()} AND i.issue_date <= :as_of
GROUP BY i.last_settlement_on""",
        {"tenant_id": scope.tenant_id, "as_of": as_of},
    )
    return PortfolioSeries(
        SettledDay(as_date(r["day"]), as_int(r["n"]), as_int(r["late_days"]), as_int(r["late_n"]))
        for r in rows
    )


async def customer_facts(
    scope: Scope, as_of: date, flt: CustomerFilter = NO_FILTER
) -> dict[int, CustomerFact]:
    """Rating and utilisation (open now / credit limit: today's values, not as of ``as_of``; neither
    has a dated history) and the days promises to pay were recorded, per customer."""
    condition, params = customer_condition(scope, flt)
    customers = await fetch_all(
        f"""
SELECT cu.id, cu.risk_rating, cu.credit_limit,
       (SELECT SUM(i.total - i.settled) FROM invoice i
         WHERE i.tenant_id = cu.tenant_id AND i.customer_id = cu.id AND i.status NOT IN ('draft', 'void')
       ) AS open_now
FROM customer_account cu WHERE {condition}""",
        params,
    )
    promises = await fetch_all(
        f"""
SELECT pr.customer_id, pr.created_at FROM promise_to_pay pr JOIN customer_account cu ON cu.id = pr.customer_id
WHERE pr.tenant_id = :tenant_id AND {condition} ORDER BY pr.created_at""",
        params,
    )
    made: dict[int, list[date]] = {}
    for p in promises:
        created = p["created_at"]
        day = created.date() if isinstance(created, datetime) else as_date(str(created)[:10])
        if day <= as_of:
            made.setdefault(int(p["customer_id"]), []).append(day)
    out = {}
    for r in customers:
        limit = as_int(r["credit_limit"]) if r["credit_limit"] is not None else None
        out[int(r["id"])] = CustomerFact(
            customer_id=int(r["id"]),
            rating=_RATINGS.get(str(r["risk_rating"]), 2),
            utilisation=as_int(r["open_now"]) / limit if limit else None,
            promises_made=tuple(made.get(int(r["id"]), ())),
        )
    return out


async def open_for_forecast(scope: Scope, as_of: date, flt: CustomerFilter) -> list[dict[str, Any]]:
    """Invoices open as of ``as_of`` with what open disputes hold of them and the earliest open promise
    to pay covering them (a promised day on or after ``as_of``)."""
    condition, params = customer_condition(scope, flt)
    held, held_join = held_by_disputes("o.invoice_id", probes(False))
    sql = f"""
SELECT o.invoice_id, o.customer_id, o.currency, o.open_amount, o.due_date, {held} AS disputed,
       (SELECT MIN(pr.promised_date) FROM promise_invoice pi JOIN promise_to_pay pr ON pr.id = pi.promise_id
         WHERE pi.invoice_id = o.invoice_id AND {unindexed("pi.tenant_id")} = :tenant_id
           AND {unindexed("pr.tenant_id")} = :tenant_id AND pr.status = 'open' AND pr.promised_date >= :as_of
       ) AS promised
FROM ({open_items(GroupBy.NONE, condition)}) o{held_join}
WHERE o.open_amount > 0
ORDER BY o.invoice_id"""
    return await fetch_all(sql, {**params, "as_of": as_of})


async def latest_model(scope: Scope) -> StoredPayDateModel | None:
    return await scoped(StoredPayDateModel, scope).order_by("-trained_at", "-id").first()


async def save_model(scope: Scope, **values) -> StoredPayDateModel:
    row = new_row(StoredPayDateModel, scope, **values)
    await row.save()
    return row


async def prune_models(scope: Scope, keep: int) -> int:
    """Delete all but the ``keep`` latest models (each is a few hundred kilobytes)."""
    ids = await scoped(StoredPayDateModel, scope).order_by("-trained_at", "-id").values_list("id", flat=True)
    stale = list(ids)[keep:]
    if not stale:
        return 0
    return await scoped(StoredPayDateModel, scope).filter(id__in=stale).delete()
