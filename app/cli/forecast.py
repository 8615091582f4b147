"""``ledgerport forecast train``: train and store a tenant's pay-date model now (docs/forecast.md)."""

from __future__ import annotations

from datetime import date

import click

from app.cli.base import fail, load, main, require_tenant, run_with_db
from app.tenancy.service import sync_tenants, system_scope


@main.group()
def forecast() -> None:
    """The pay-date model and the cash forecast built on it."""


@forecast.command("train")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="train on the facts as of this day (default: today in the tenant's time zone)",
)
def train_command(tenant_slug: str, as_of) -> None:
    """Train the tenant's pay-date model on its facts and store it; the scheduled job does the same."""
    from app.forecast import service

    settings, registry = load()
    require_tenant(registry, tenant_slug)
    config = registry.require(tenant_slug).config
    day: date = as_of.date() if as_of else config.today()

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        return await service.train(scope, day, evaluate=True)

    trained = run_with_db(settings, work)
    if trained is None:
        fail(f"{tenant_slug}: too little history as of {day.isoformat()} to train the pay-date model")
    top = sorted(trained.importances.items(), key=lambda kv: -kv[1])[:5]
    click.echo(
        f"{tenant_slug}: pay-date model trained as of {day.isoformat()} on {trained.rows} rows; "
        f"most important: {', '.join(f'{k} {v:.2f}' for k, v in top)}"
    )
    for evaluation in trained.evaluations:
        scores = ", ".join(
            f"{s.predictor} {s.mean_absolute_error_days:.1f} days"
            for s in evaluation.scores
            if s.mean_absolute_error_days is not None
        )
        click.echo(f"  backtest {evaluation.kind} ({evaluation.sample_size} invoices): MAE {scores}")
