"""``credit.sweep``: every hour, per tenant, apply approved credit limits whose effective date has come,
put back the limits temporary ones replaced once their last day has passed, escalate approval requests
past their SLA, place the automatic credit holds of ``[credit_holds]`` and send ``kyc.review_due`` for
KYC reviews coming due. Every step is a conditional update keyed by its row, so the job is idempotent:
a second run (a retry, a second worker) changes nothing."""

from __future__ import annotations

from app.approvals import engine
from app.credit import hold_rules, kyc, limits
from app.jobs.handlers import JobContext, handler
from app.scope import Scope
from app.tenancy.config import TenantConfig

KIND = "credit.sweep"


async def sweep(scope: Scope, tenant: TenantConfig) -> dict[str, int]:
    applied = await limits.apply_due(scope, tenant)
    reverted = await limits.revert_expired(scope, tenant)
    escalated = await engine.escalate_overdue(scope, tenant)
    held = await hold_rules.apply_rules(scope, tenant)
    due = await kyc.signal_due(scope, tenant)
    return {
        "limits_applied": applied,
        "limits_reverted": reverted,
        "escalated": len(escalated),
        "holds_placed": held,
        "kyc_due_signalled": due,
    }


@handler(KIND, queue="default", max_attempts=3)
async def run_sweep(job: JobContext) -> None:
    await sweep(job.scope, job.tenant)
