"""``invoice.overdue``: each invoice is announced to webhook endpoints once, the day it falls overdue.

An invoice is overdue the day after its due date (in the tenant's time zone) while something is still
owed. Nothing in the data changes on that day, so no service emits the event; a daily job does
(``webhooks.overdue``, scheduled just after midnight in each tenant's time zone by app/jobs/schedules.py).
The job for day D announces the open invoices due after the day the previous successful job covered and
on or before D - 1: after downtime the first job catches up on the days missed, and a retry of the same day
announces nothing twice, because the events are written in one transaction and the job only succeeds after
it. A tenant's first job announces only the invoices due the day before, not its whole overdue history.
Tenants without an endpoint that subscribes to the type pay one query.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.transactions import in_transaction

from app.jobs.handlers import JobContext, handler
from app.jobs.schedules import local_date
from app.scope import Scope
from app.webhooks import payloads, repository
from app.webhooks.events import emit_many

KIND = "webhooks.overdue"
EVENT = "invoice.overdue"


async def announce(scope: Scope, today: date, covered_through: date | None) -> int:
    """Emit ``invoice.overdue`` for the invoices that fell overdue after ``covered_through`` up to today;
    how many."""
    if not await repository.wants(scope, EVENT):
        return 0
    through = today - timedelta(days=1)
    after = covered_through if covered_through is not None else through - timedelta(days=1)
    if after >= through:
        return 0
    async with in_transaction():
        invoices = await repository.fallen_overdue(scope, after, through)
        await emit_many(scope, EVENT, [payloads.invoice(i) for i in invoices])
    return len(invoices)


@handler(KIND, queue="default", max_attempts=5)
async def announce_overdue(job: JobContext) -> None:
    timezone = job.tenant.timezone
    previous = await repository.last_finished_period(job.scope, KIND)
    covered = local_date(previous, timezone) - timedelta(days=1) if previous else None
    await announce(job.scope, local_date(job.args["period"], timezone), covered)
