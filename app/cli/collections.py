"""``ledgerport dunning run``: the day's dunning run for a tenant, or a dry run that only reports.

It acts with the tenant's system scope through the same service as the scheduled job, so a run from the
command line and the daily one obey the same rules and the same idempotency (one message per customer per
day, no step twice): running it after the schedule did sends nothing new.
"""

from __future__ import annotations

from datetime import date

import click

from app.cli.base import load, main, require_tenant, run_with_db
from app.tenancy.service import system_scope


@main.group()
def dunning() -> None:
    """Dunning: send the day's reminders (docs/collections.md)."""


@dunning.command("run")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="the run's date (default: today in the tenant's time zone)",
)
@click.option("--dry-run", is_flag=True, help="report what would be sent; write and send nothing")
def dunning_run(tenant_slug: str, as_of, dry_run: bool) -> None:
    """Work out each customer's step and send at most one message each; print what was sent and skipped."""
    from app.collections import dunning as service

    settings, registry = load()
    require_tenant(registry, tenant_slug)
    config = registry.require(tenant_slug).config
    day: date = as_of.date() if as_of else config.today()

    async def work():
        scope = await system_scope(tenant_slug, principal="cli")
        return await service.run(scope, config, day, dry_run=dry_run, trigger="cli")

    report = run_with_db(settings, work)
    heading = "would send" if dry_run else "sent"
    click.echo(f"dunning {tenant_slug} as of {day.isoformat()}{' (dry run)' if dry_run else ''}")
    for out in report.sent:
        numbers = ", ".join(line.number for line in out.planned.lines)
        click.echo(
            f"  {heading}: {out.customer['account_number']} step {out.planned.step.name} "
            f"({out.planned.step.channel}) to {out.recipient or '-'}: {numbers}"
        )
    for skip in report.skipped:
        click.echo(f"  skipped: customer {skip.customer_id}: {skip.reason}: {skip.detail}")
    click.echo(f"{len(report.sent)} {heading}, {len(report.skipped)} skipped")
