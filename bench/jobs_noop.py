"""The benchmark's no-op job kind, loaded by its workers through ``LEDGERPORT_JOB_MODULES``."""

from app.jobs.handlers import JobContext, handler


@handler("bench.noop", max_attempts=1)
async def noop(job: JobContext) -> None:
    return None
