"""Retraining the pay-date model as a scheduled job (``forecast.train``).

The tenant file schedules it (``[[schedules]] job = "forecast.train"``, e.g. ``0 3 * * 1``: Mondays 03:00
in the tenant's time zone). Each run trains on the facts as of the day the period began, in the tenant's
time zone, and stores the model with its backtest's scores (``app.forecast.service.train``). A
prediction that found no current model queues one with ``as_of`` (the tenant's today) instead.
Idempotent: a retry, a takeover or a second job of the day (the schedule's and a prediction's) finding a
current model trained as of that day stores none.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.forecast import service
from app.jobs.handlers import JobContext, handler

log = logging.getLogger("ledgerport.forecast")


@handler("forecast.train", queue="reports", max_attempts=3)
async def train_pay_date_model(job: JobContext) -> None:
    if "as_of" in job.args:
        as_of = date.fromisoformat(job.args["as_of"])
    else:
        as_of = datetime.fromisoformat(job.args["period"]).astimezone(ZoneInfo(job.tenant.timezone)).date()
    if not await service.needs_training(job.scope, as_of):
        log.info("pay-date model of %s as of %s already stored", job.tenant.slug, as_of)
        return
    trained = await service.train(job.scope, as_of, evaluate=True)
    if trained is None:
        log.info("pay-date model of %s as of %s: too little history, not trained", job.tenant.slug, as_of)
    else:
        log.info("pay-date model of %s as of %s: %d training rows", job.tenant.slug, as_of, trained.rows)
