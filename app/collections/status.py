"""Where a customer stands in dunning, for ``customer(id) { dunning {...} }``: its policy, the last step it
had, when the next step falls due, and whether (and why, until when) it is held.

It applies the run's own rules (``app.collections.dunning``) to the customer's open invoices, so what the
status says is what the next run will do. Many customers are answered at once (a DataLoader batch): one
query for their invoices, one each for steps, messages, pauses, promises and holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.permissions import require
from app.collections import repository
from app.collections.dunning import holds_on
from app.collections.plan import OpenInvoice, reached_step
from app.credit.holds import held_customer_ids
from app.scope import Scope
from app.tenancy.config import TenantConfig
from app.tenancy.dunning import OFF


@dataclass(frozen=True)
class DunningStatus:
    policy: str | None  # None: dunning is off, or no policy fits
    step: str | None  # the last step it had
    next_step: str | None
    next_step_on: date | None
    paused: bool
    paused_until: date | None
    reason: str  # why it is held (or why no policy), "" when it is not


async def statuses(
    scope: Scope, tenant: TenantConfig, customer_ids: list[int], as_of: date
) -> dict[int, DunningStatus]:
    require(scope, "ar.read")
    cfg = tenant.dunning
    customers = await repository.customers(scope, customer_ids)
    far = as_of + timedelta(days=3650)
    rows = await repository.open_invoices(scope, as_of, far, customer_ids) if customers else []
    owed: dict[int, list[OpenInvoice]] = {}
    for r in rows:
        owed.setdefault(r["customer_id"], []).append(
            OpenInvoice(r["invoice_id"], r["customer_id"], r["number"], r["currency"], r["due_date"], r["open_amount"], r["disputed"])
        )  # fmt: skip
    had = await repository.steps_had(scope, [r["invoice_id"] for r in rows])
    last = await repository.last_messages(scope, list(customers))
    held = await held_customer_ids(scope, list(customers))
    holds = await holds_on(scope, tenant, as_of, owed)
    pauses_until = {
        p.customer_id: p.resume_on
        for p in await repository.pauses_in_force(scope, as_of)
        if p.invoice_id is None
    }
    out: dict[int, DunningStatus] = {}
    for cid, c in customers.items():
        policy = cfg.policy_for(c["dunning_policy"], c["segment"], str(c["risk_rating"]))
        step = last[cid].step_name if cid in last else None
        if policy is None:
            why = "dunning is off" if c["dunning_policy"] == OFF else "no dunning policy fits"
            out[cid] = DunningStatus(None, step, None, None, False, None, why)
            continue
        mine = {(i, s) for i, p, s in had if p == policy.name}
        upcoming: list[tuple[date, str]] = []
        for inv in owed.get(cid, []):
            if inv.dunnable <= 0:
                continue
            reached = reached_step(policy, (as_of - inv.due_date).days)
            for index, s in enumerate(policy.steps):
                if (inv.invoice_id, index) in mine or (reached is not None and index < reached):
                    continue
                upcoming.append((max(as_of, inv.due_date + timedelta(days=s.offset_days)), s.name))
                break
        next_on, next_name = min(upcoming) if upcoming else (None, None)
        paused, until, reason = False, None, ""
        if cid in held:
            paused, reason = True, "on credit hold"
        elif cid in holds.customer_pause:
            paused, until, reason = True, pauses_until.get(cid), holds.customer_pause[cid]
        elif cid in holds.customer_promise:
            paused, reason = True, holds.customer_promise[cid]
        out[cid] = DunningStatus(policy.name, step, next_name, next_on, paused, until, reason)
    return out
