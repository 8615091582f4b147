"""``credit.sweep``: every hour, per tenant, apply approved credit limits whose effective date has come
escalate approval requests past their SLA, and place the automatic credit holds of ``[credit_holds]``. Both steps are conditional updates keyed by the request,
so the job is idempotent: a second run (a retry, a second worker) changes nothing."""

from __future__ import annotations

from app.approvals import engine
from app.credit import hold_rules, limits
from app.jobs.handlers import JobContext, handler
from app.scope import Scope
from app.tenancy.config import TenantConfig

KIND = "credit.sweep"


async def sweep(scope: Scope, tenant: TenantConfig) -> dict[str, int]:
    applied = await limits.apply_due(scope, tenant)
    escalated = await engine.escalate_overdue(scope, tenant)
    held = await hold_rules.apply_rules(scope, tenant)
    return {"limits_applied": applied, "escalated": len(escalated), "holds_placed": held}


@handler(KIND, queue="default", max_attempts=3)
async def run_sweep(job: JobContext) -> None:
    await sweep(job.scope, job.tenant)
