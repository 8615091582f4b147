"""The month-end statement batch as a scheduled job (``statements.month_end``).

The tenant file schedules it (``[[schedules]] job = "statements.month_end"``, e.g. 06:00 on the 1st in
the tenant's time zone); each run renders the activity statement of the month that ended the day before
the period began, for every customer with a balance that day, into
``$LEDGERPORT_STATEMENTS_DIR/<tenant>/<YYYY-MM>/``. Running it twice writes the same files again, so a
retry or a takeover after a crash is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.documents import batch
from app.documents.service import StatementKind
from app.jobs.handlers import JobContext, handler
from app.settings import PROJECT_ROOT

log = logging.getLogger("ledgerport.documents")
DIR_VAR = "LEDGERPORT_STATEMENTS_DIR"


def closing_date(period: str, timezone: str) -> date:
    """The last day of the month before the day the period began on (in the tenant's time zone)."""
    began = datetime.fromisoformat(period).astimezone(ZoneInfo(timezone)).date()
    return began.replace(day=1) - timedelta(days=1)


def output_dir(tenant_slug: str, as_of: date) -> Path:
    root = Path(os.environ.get(DIR_VAR) or PROJECT_ROOT / "var" / "statements")
    return root / tenant_slug / f"{as_of:%Y-%m}"


@handler("statements.month_end", queue="reports", max_attempts=3)
async def month_end_statements(job: JobContext) -> None:
    as_of = closing_date(job.args["period"], job.tenant.timezone)
    prepared = await batch.prepare_statements(job.scope, as_of, StatementKind.ACTIVITY)
    out = output_dir(job.tenant.slug, as_of)
    stop = threading.Event()
    try:
        files = await asyncio.to_thread(batch.render_all, prepared, out, cancelled=stop) if prepared else []
    except asyncio.CancelledError:
        stop.set()  # the renderer's thread ends after the documents in flight, not after all of them
        raise
    log.info("month-end statements for %s as of %s: %d files in %s", job.tenant.slug, as_of, len(files), out)
