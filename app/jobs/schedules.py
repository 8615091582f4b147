"""Per-tenant schedules: which period has begun, and queueing its job exactly once.

A schedule names times in the tenant's time zone (``[[schedules]]`` cron expressions in the tenant file,
and alert evaluation every ``[alerts] evaluate_every_minutes``). Every worker ticks; a tick queues the
job of the *latest* period that has begun, keyed by the schedule and the period's start. The key is
unique per tenant, so however many workers tick, a period gets one job; and after downtime the first
tick queues the period in which it wakes, once, never one job per time missed meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from tortoise.transactions import in_transaction

from app import clock
from app.jobs.enqueue import enqueue
from app.tenancy.config import (
    ALERTS_SCHEDULE,
    CREDIT_SWEEP_SCHEDULE,
    DUNNING_SCHEDULE,
    OVERDUE_SCHEDULE,
    TenantConfig,
)
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.jobs")
# The job of each [[reports.schedules]] entry (its handler is app.reports.delivery, loaded by name).
PACK_JOB = "reports.management_pack"
# The daily dunning run of ``[dunning] daily_at`` (its handler is app.collections.jobs).
DUNNING_JOB = "dunning.run"
# Each [[statement_emails]] entry (its handler is app.collections.statements).
STATEMENTS_JOB = "statements.email"
# The invoices that fell overdue, announced to webhook endpoints daily (app/webhooks/overdue.py).
OVERDUE_JOB = "webhooks.overdue"


@dataclass(frozen=True)
class Schedule:
    name: str
    kind: str
    cron: str | None = None
    every_minutes: int | None = None
    args: dict[str, Any] = field(default_factory=dict)

    def period_start(self, now: datetime, timezone: str) -> datetime:
        """The start (UTC) of the latest period that has begun at ``now``, counted in ``timezone``."""
        local = now.astimezone(ZoneInfo(timezone))
        if self.cron is not None:
            # croniter's get_prev is strictly before its start: start at the next minute to include now.
            start = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
            return croniter(self.cron, start).get_prev(datetime).astimezone(UTC)
        minutes = self.every_minutes or 1
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((local - midnight).total_seconds() // 60)
        return (midnight + timedelta(minutes=elapsed - elapsed % minutes)).astimezone(UTC)

    def key(self, period: datetime) -> str:
        return f"{self.name}@{period.isoformat()}"


def local_date(period: str, timezone: str) -> date:
    """The tenant's date on which a schedule's period (a job's ``period`` argument) began."""
    return datetime.fromisoformat(period).astimezone(ZoneInfo(timezone)).date()


def schedules_of(config: TenantConfig) -> list[Schedule]:
    return [
        Schedule(ALERTS_SCHEDULE, "alerts.evaluate", every_minutes=config.alerts.evaluate_every_minutes),
        Schedule(CREDIT_SWEEP_SCHEDULE, "credit.sweep", cron="5 * * * *"),
        Schedule(OVERDUE_SCHEDULE, OVERDUE_JOB, cron="10 0 * * *"),
        *(Schedule(s.name, s.job, cron=s.cron) for s in config.schedules),
        *(
            Schedule(f"management-pack-{n + 1}", PACK_JOB, cron=s.cron, args={"index": n})
            for n, s in enumerate(config.reports.schedules)
        ),
        *([Schedule(DUNNING_SCHEDULE, DUNNING_JOB, cron=config.dunning.cron)] if config.dunning.cron else []),
        *(
            Schedule(s.schedule_name, STATEMENTS_JOB, cron=s.cron, args={"index": n})
            for n, s in enumerate(config.statement_emails)
        ),
    ]


async def tick(tenants: TenantRegistry) -> int:
    """Queue the current period's job of every schedule of every tenant that has none yet; how many."""
    now = clock.now()
    queued = 0
    for tenant_file in tenants:
        config = tenant_file.config
        scope = await system_scope(config.slug, principal="scheduler")
        for schedule in schedules_of(config):
            period = schedule.period_start(now, config.timezone)
            args = {**schedule.args, "schedule": schedule.name, "period": period.isoformat()}
            async with in_transaction():  # another worker queueing this period too: enqueue's no-op
                job_id = await enqueue(scope, schedule.kind, schedule.key(period), args)
            if job_id is not None:
                queued += 1
                log.info("scheduled %s for %s, period %s", schedule.name, config.slug, period.isoformat())
    return queued
