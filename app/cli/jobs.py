"""Background jobs: ``ledgerport worker`` runs them, ``ledgerport jobs list|retry|cancel`` looks after them.

The jobs commands act for a tenant (``--tenant``) with an admin's system scope, through the same service
as the staff API.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import click

from app.cli.base import fail, load, main, require_tenant, run_with_db
from app.models.enums import JobState
from app.tenancy.service import system_scope


@main.command()
@click.option("--queues", default="", help="comma-separated queues to serve (default: all of them)")
@click.option("--concurrency", type=click.IntRange(min=1, max=256), default=4, show_default=True)
def worker(queues: str, concurrency: int) -> None:
    """Run background jobs until stopped (SIGTERM or Ctrl-C lets the jobs in flight finish).

    Start as many as the load needs, on as many machines as share the database (docs/jobs.md)."""
    from app.jobs.worker import serve
    from app.web.logs import configure_logging

    settings, registry = load()
    configure_logging(settings.log_level)
    logging.getLogger("pgqueuer").setLevel(logging.WARNING)
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    try:
        asyncio.run(serve(settings, registry, wanted or None, concurrency))
    except ValueError as exc:
        fail(str(exc), 2)


@main.group()
def jobs() -> None:
    """Background jobs of a tenant: list, retry a failed one, cancel one that has not finished."""


@jobs.command("list")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--state", type=click.Choice([s.value for s in JobState]), default=None)
@click.option("--kind", default=None, help="only jobs of this kind (e.g. email.send)")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None)
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=50, show_default=True)
def jobs_list(
    tenant_slug: str, state: str | None, kind: str | None, since: datetime | None, limit: int
) -> None:
    """Newest first: id, state, kind, tries, when it runs next, the last error."""
    from datetime import UTC

    from app.jobs import service

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        wanted = service.JobFilter(
            JobState(state) if state else None, kind, since.replace(tzinfo=UTC) if since else None
        )
        return await service.page(await system_scope(tenant_slug, principal="cli"), wanted, 0, limit)

    rows, total = run_with_db(settings, work)
    for job in rows:
        error = f"  {job.last_error.splitlines()[0][:80]}" if job.last_error else ""
        click.echo(
            f"{job.id:>8}  {job.state.value:<9}  {job.kind:<22}  {job.attempts}/{job.max_attempts}  "
            f"{job.run_at.isoformat(timespec='seconds')}{error}"
        )
    click.echo(f"{len(rows)} of {total} job(s)")


def _change(tenant_slug: str, job_id: int, action: str) -> None:
    from app.jobs import service

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        scope = await system_scope(tenant_slug, principal="cli")
        return await (service.retry if action == "retry" else service.cancel)(scope, job_id)

    job = run_with_db(settings, work)
    click.echo(f"job {job.id} ({job.kind}) is now {job.state.value}")


@jobs.command("retry")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.argument("job_id", type=int)
def jobs_retry(tenant_slug: str, job_id: int) -> None:
    """Run a failed or cancelled job again, with a fresh set of tries."""
    _change(tenant_slug, job_id, "retry")


@jobs.command("cancel")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.argument("job_id", type=int)
def jobs_cancel(tenant_slug: str, job_id: int) -> None:
    """Cancel a job that has not finished."""
    _change(tenant_slug, job_id, "cancel")
