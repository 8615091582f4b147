"""Alert evaluation as a scheduled job (``alerts.evaluate``), once per period per tenant.

It used to be a loop in every server process, so two servers evaluated twice; now each tenant's schedule
(``[alerts] evaluate_every_minutes``, app/jobs/schedules.py) queues one job per period, which one worker
runs. Evaluating is idempotent anyway: a live alert exists once per customer and rule.
"""

from __future__ import annotations

import logging

from app.alerts import service
from app.jobs.handlers import JobContext, handler
from app.tenancy.config import TenantConfig
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.alerts")


async def evaluate_tenant(config: TenantConfig) -> service.Evaluation:
    scope = await system_scope(config.slug, principal="alerts")
    return await service.evaluate(scope, config, config.today())


@handler("alerts.evaluate", max_attempts=3)
async def evaluate_job(job: JobContext) -> None:
    result = await service.evaluate(job.scope, job.tenant, job.tenant.today())
    log.info("alerts evaluated for %s: %d new of %d", job.tenant.slug, result.created, result.candidates)
