"""Probe job handlers for the job tests, imported by the test process and, through
``LEDGERPORT_JOB_MODULES=tests.job_probes``, by the worker processes the tests start.

``test.record`` appends one JSON line per event (start, done) to the file its args name, with the scope
it ran in and the process that ran it, so a test can count runs across processes. ``test.fail`` always
fails with the message it was given.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from app.jobs.handlers import JobContext, handler


def _write(path: str, **line) -> None:
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


@handler("test.record", max_attempts=4)
async def record(job: JobContext) -> None:
    event = {"job": job.job_id, "key": job.key, "tenant": job.scope.tenant_slug, "pid": os.getpid()}
    _write(job.args["log"], event="start", tenant_id=job.scope.tenant_id, attempt=job.attempt, **event)
    await asyncio.sleep(float(job.args.get("sleep", 0)))
    _write(job.args["log"], event="done", **event)


@handler("test.fail", max_attempts=3)
async def fail(job: JobContext) -> None:
    raise RuntimeError(job.args.get("message", "the probe always fails"))


def events(path: Path, event: str | None = None) -> list[dict]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in lines if event is None or line["event"] == event]
