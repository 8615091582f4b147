"""A synthetic portfolio with distinct payment behaviours, to show what the learned model can tell apart.

Five kinds of customer, each a rule a collector would recognise and a single average would blur:

- ``prompt``: pays around the due date (a few days either side);
- ``chronic``: always late by a customer-specific 20-70 days, later on larger invoices;
- ``seasonal``: on time, except invoices due in July, August or December, which wait ~45 days;
- ``deteriorating``: starts on time and slips ~4 days more each month; past 100 days late it stops paying;
- ``disputer``: pays ~5 days late, but a third of its invoices are disputed soon after issue and wait
  60-110 days.

``portfolio`` returns facts (``app.forecast.facts``) directly, seeded and deterministic, so the model tests
need no database; ``app.forecast.repository`` gathers the same facts from a real tenant.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.forecast.facts import CustomerFact, Facts, InvoiceFact

BEHAVIOURS = ("prompt", "chronic", "seasonal", "deteriorating", "disputer")


def _lateness(
    kind: str, rng: random.Random, base: float, due: date, month_index: int, ratio: float, disputed: bool
):
    if kind == "prompt":
        return rng.gauss(0, 3)
    if kind == "chronic":
        return base + 12 * (ratio - 1) + rng.gauss(0, 6)
    if kind == "seasonal":
        return (45 if due.month in (7, 8, 12) else 0) + rng.gauss(0, 4)
    if kind == "deteriorating":
        return 4 * base * month_index + rng.gauss(0, 4)
    return (rng.uniform(60, 110) if disputed else 5) + rng.gauss(0, 3)


def portfolio(customers: int = 100, months: int = 30, start: date = date(2024, 1, 1), seed: int = 7) -> Facts:
    """``customers`` customers (behaviours in turn), one to three invoices a month for ``months`` months;
    the facts are as of the day after the last issue month ends."""
    rng = random.Random(seed)
    as_of = start + timedelta(days=31 * months)
    invoices: list[InvoiceFact] = []
    people: dict[int, CustomerFact] = {}
    next_id = 1
    for cid in range(1, customers + 1):
        kind = BEHAVIOURS[(cid - 1) % len(BEHAVIOURS)]
        base = {"chronic": rng.uniform(20, 70), "deteriorating": rng.uniform(0.7, 1.3)}.get(kind, 0.0)
        usual = rng.lognormvariate(11, 1)
        terms = rng.choice((14, 30, 30, 30, 60))
        joined = rng.randrange(0, 12)
        rating = {"prompt": 0, "seasonal": 1, "disputer": 2, "chronic": 3, "deteriorating": 2}[kind]
        promises: list[date] = []
        for m in range(joined, months):
            for _ in range(rng.choice((1, 1, 2, 3))):
                issue = start + timedelta(days=31 * m + rng.randrange(28))
                if issue >= as_of:
                    continue
                due = issue + timedelta(days=terms)
                total = max(100, int(usual * rng.lognormvariate(0, 0.5)))
                disputed = kind == "disputer" and rng.random() < 0.33
                late = _lateness(kind, rng, base, due, m - joined, total / usual, disputed)
                never = kind == "deteriorating" and late > 100
                settled = None if never else due + timedelta(days=round(late))
                settled = max(settled, issue) if settled else None
                partial = None
                if settled and kind == "chronic" and rng.random() < 0.3:
                    partial = issue + (settled - issue) / 2
                if late > 30 and kind in ("chronic", "deteriorating") and rng.random() < 0.2:
                    promises.append(due + timedelta(days=20))
                invoices.append(
                    InvoiceFact(
                        invoice_id=next_id,
                        customer_id=cid,
                        currency="USD",
                        total=total,
                        issue_date=issue,
                        due_date=due,
                        settled_on=settled,
                        first_paid_on=partial or settled,
                        disputed_on=issue + timedelta(days=rng.randrange(3, 12)) if disputed else None,
                    )
                )
                next_id += 1
        people[cid] = CustomerFact(
            cid, rating=rating, utilisation=None, promises_made=tuple(sorted(promises))
        )
    return Facts(as_of=as_of, invoices=tuple(invoices), customers=people).known_at(as_of)


def behaviour_of(customer_id: int) -> str:
    return BEHAVIOURS[(customer_id - 1) % len(BEHAVIOURS)]
