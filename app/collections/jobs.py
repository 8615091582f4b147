"""The daily dunning run as a scheduled job (``dunning.run``, from ``[dunning] daily_at``).

The schedule's period starts at ``daily_at`` in the tenant's time zone, so the run is for that local
date; the unique job key (``dunning@<period start>``) runs it once a day however many workers tick, and
a retry of the same day finds every step it sent already recorded and sends nothing twice.
"""

from __future__ import annotations

from app.collections import dunning
from app.jobs.handlers import JobContext, handler
from app.jobs.schedules import local_date

KIND = "dunning.run"


@handler(KIND, queue="default", max_attempts=3)
async def daily_dunning_run(job: JobContext) -> None:
    await dunning.run(
        job.scope, job.tenant, local_date(job.args["period"], job.tenant.timezone), trigger="schedule"
    )
