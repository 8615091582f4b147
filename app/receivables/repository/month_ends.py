"""Aging amounts and unapplied cash as of several dates at once (a trend's month ends), in one pass.

Asking ``as_of_aggregates`` once per month end reads, for every date, the documents open now plus those
settled after it and each one's later movements: twelve month ends read the last year's documents and
movements twelve times (docs/performance.md "Console").

What was open (unapplied) as of date k is what is open now plus the movements dated after k, of the
documents dated by k (metrics.md "Open amount"). Both parts are read once for all the dates, summed in
SQL per currency, due date (invoices) and *interval*: interval t of a date x is the first of the dates
on or after x (``len(points)`` when none is). A document dated in interval ``td`` exists as of the dates
k >= td; a movement dated in interval ``tm`` is after the dates k < tm. So

- ``open``: (currency, due date, td, amount open now) of the documents open now, dated by the last
  date, counts for every k >= td;
- ``moved``: (currency, due date, td, tm, amount) of the movements after the first date of documents
  dated by the last, counts for td <= k < tm. For a portfolio, an invoice settled on one day
  (``first_settlement_on = last_settlement_on``) gives one such row from the invoice itself (all of
  ``settled``, at that day's interval), so only the invoices settled on several days have their
  movements read; cash comes from its applied-late partial indexes.

A few thousand rows come back; each date's aging buckets (by days past due as of that date) and totals
are added up from them here. Amounts are integers (minor units), so nothing is rounded. Invoice counts
per bucket are not computed (a sum cannot say which invoices are non-zero): a trend does not show them.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition, is_whole_tenant
from app.db.plans import indexed_by, ordered_join, unindexed
from app.db.sql import as_date, as_int, fetch_all
from app.receivables.buckets import Bucket
from app.receivables.repository.documents import CREDIT_NOTE, INVOICE, PAYMENT, Arm, Document
from app.receivables.repository.open_items import is_selective
from app.scope import Scope


@dataclass
class PointAggregates:
    """What ``as_of_aggregates`` (without customers) finds as of one date, per currency; the counts of
    ``aging`` are 0."""

    aging: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)  # (bucket, cur) -> amount, 0
    unapplied: dict[str, int] = field(default_factory=dict)


def _interval(column: str, n: int, lo: int = 0, hi: int | None = None) -> str:
    """SQL of the interval of ``column``: the index of the first of :point0.. on or after it, else n.

    A binary search of nested CASEs: four comparisons a row for thirteen dates instead of up to
    thirteen, on each of the ~90,000 movements of a trend's year (about 30 ms of 350 on the demo's
    data)."""
    hi = n if hi is None else hi
    if lo == hi:
        return str(lo)
    mid = (lo + hi) // 2
    inner, outer = _interval(column, n, lo, mid), _interval(column, n, mid + 1, hi)
    return f"CASE WHEN {column} <= :point{mid} THEN {inner} ELSE {outer} END"


#: Partial indexes of the cash applied after its own date (migration 0020).
_APPLIED_LATE = {"payment": "payment_applied_late", "credit_note": "credit_note_applied_late"}


def _cash_applied_late(doc: Document, condition: str) -> str:
    """FROM and WHERE of the applications after :first (``m``) of the cash dated by :last that was
    applied after its own date: only such a document was ever unapplied at a date after it (cash applied
    on arrival, nearly all of it, adds nothing), so the few are read from their partial index and their
    applications probed by document, instead of every application of the period probing its document."""
    d = doc.alias
    own = f"{doc.table} {d}{indexed_by(_APPLIED_LATE[doc.table])}"
    with_customer = ordered_join(own, "customer_account cu", f"cu.id = {d}.customer_id")
    on = f"m.{doc.owner} = {d}.id AND {unindexed('m.tenant_id')} = {d}.tenant_id AND m.date > :first"
    return f"""FROM {ordered_join(with_customer, f"{doc.moves} m", on)}
WHERE {d}.tenant_id = :tenant_id{doc.only} AND {d}.{doc.dated} <= :last AND {d}.{doc.last} > :first
  AND {d}.{doc.last} > {d}.{doc.dated} AND {condition}"""


#: The invoices by their latest settlement, with what a trend needs of them (migration 0022).
_SETTLED_AFTER = "invoice_settled_after"


def _settled_on_one_day(condition: str | None, n: int) -> str:
    """The ``moved`` rows of the invoices settled after :first whose settlements all fell on one day
    (``first_settlement_on = last_settlement_on``): all of ``settled`` lies in that day's interval, so
    they come from the ``invoice_settled_after`` index alone, not from their movements (72,000 of the
    demo's 83,000 invoices settled in a year). ``condition`` None: every account of the tenant."""
    own = f"invoice i{indexed_by(_SETTLED_AFTER)}"
    source = own if condition is None else ordered_join(own, "customer_account cu", "cu.id = i.customer_id")
    accounts = "" if condition is None else f" AND {condition}"
    return f"""
SELECT 'moved', i.currency, i.due_date, {_interval("i.issue_date", n)}, {_interval("i.last_settlement_on", n)},
       SUM(i.settled)
FROM {source}
WHERE i.tenant_id = :tenant_id{INVOICE.only} AND i.last_settlement_on > :first
  AND i.first_settlement_on = i.last_settlement_on AND i.issue_date <= :last{accounts}
GROUP BY 2, 3, 4, 5"""


#: The invoices settled on several days, the last after :first: only their movements are read.
_SETTLED_ON_SEVERAL_DAYS = """SELECT s.id FROM invoice s{index}
    WHERE s.tenant_id = :tenant_id AND s.last_settlement_on > :first
      AND s.first_settlement_on < s.last_settlement_on"""


def _moved(doc: Document, condition: str, selective: bool, whole_tenant: bool, n: int) -> str:
    """The ``moved`` rows of ``doc``: a few named customers' movements as before; a portfolio's
    invoices split into those settled on one day (from their index) and the rest (their movements,
    probed by invoice); cash from its applied-late partial index."""
    d = doc.alias
    due = f"{d}.due_date" if doc is INVOICE else "NULL"
    accounts = None if whole_tenant else condition  # the whole tenant: no probe of the account
    owners = None
    if doc is INVOICE and not selective:
        owners = _SETTLED_ON_SEVERAL_DAYS.format(index=indexed_by(_SETTLED_AFTER))
    if doc is not INVOICE and not selective:
        moved = _cash_applied_late(doc, condition)
    else:
        moved = doc.moved_after(accounts, since=":first", dated_by=":last", owners=owners)
    rows = f"""
SELECT 'moved', {d}.currency, {due}, {_interval(f"{d}.{doc.dated}", n)}, {_interval("m.date", n)}, SUM(m.amount)
{moved}
GROUP BY 2, 3, 4, 5"""
    if owners is None:
        return rows
    return f"{rows}\nUNION ALL{_settled_on_one_day(accounts, n)}"


def _statement(doc: Document, condition: str, selective: bool, whole_tenant: bool, n: int) -> str:
    """The ``open`` and ``moved`` rows of ``doc`` (see the module's docstring), one statement."""
    d = doc.alias
    due = f"{d}.due_date" if doc is INVOICE else "NULL"
    open_now = doc.as_of(Arm.OPEN_NOW, condition, selective, dated_by=":last")
    return f"""
SELECT 'open' AS kind, {d}.currency, {due} AS due_date, {_interval(f"{d}.{doc.dated}", n)} AS td, {n} AS tm,
       SUM({d}.{doc.total} - {d}.{doc.done}) AS amount
{open_now}
GROUP BY 2, 3, 4
UNION ALL{_moved(doc, condition, selective, whole_tenant, n)}"""


def _bucket_of(buckets: list[Bucket]):
    """The bucket index for a number of days past due (Current holds the not-yet-due)."""
    limits = [b.to_days or 0 for b in buckets[:-1]]
    return lambda days: buckets[bisect.bisect_left(limits, days)].index


async def month_end_aggregates(
    scope: Scope, flt: CustomerFilter, points: list[date], buckets: list[Bucket]
) -> list[PointAggregates]:
    """Aging amounts by bucket of the due date and unapplied cash and credit per currency as of each of
    ``points`` (ascending), equal to ``as_of_aggregates`` as of each (tests/test_ar_trend.py)."""
    condition, params = customer_condition(scope, flt)
    selective = is_selective(flt)
    whole_tenant = is_whole_tenant(scope, flt)
    n = len(points)
    values: dict[str, Any] = {**params, "first": points[0], "last": points[-1]}
    values.update({f"point{t}": p for t, p in enumerate(points)})
    bucket_of = _bucket_of(buckets)
    aging: list[dict[tuple[int, str], int]] = [defaultdict(int) for _ in points]
    unapplied: list[dict[str, int]] = [defaultdict(int) for _ in points]
    for doc in (INVOICE, PAYMENT, CREDIT_NOTE):
        for r in await fetch_all(_statement(doc, condition, selective, whole_tenant, n), values):
            td, tm, amount, currency = int(r["td"]), int(r["tm"]), as_int(r["amount"]), r["currency"]
            if doc is INVOICE:
                due = as_date(r["due_date"])
                for k in range(td, tm):
                    aging[k][(bucket_of((points[k] - due).days), currency)] += amount
            else:
                for k in range(td, tm):
                    unapplied[k][currency] += amount
    return [
        PointAggregates(
            aging={key: (amount, 0) for key, amount in aging[k].items() if amount != 0},
            unapplied={c: a for c, a in unapplied[k].items() if a != 0},
        )
        for k in range(n)
    ]
