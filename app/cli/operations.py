"""Operations: alert evaluation, the committed GraphQL SDL, and month-end statement runs."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.base import load, main, require_tenant, run_with_db
from app.tenancy.service import sync_tenants, system_scope

PROJECT_SCHEMA_DIR = Path(__file__).resolve().parent.parent.parent / "schema"


@main.group()
def alerts() -> None:
    """Alert rules (also evaluated on each tenant's schedule by the workers)."""


@alerts.command("evaluate")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
def alerts_evaluate(tenant_slug: str) -> None:
    """Evaluate every alert rule for a tenant now; alerts raised before are not duplicated."""
    from app.alerts.jobs import evaluate_tenant

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        await sync_tenants(registry)
        return await evaluate_tenant(registry.require(tenant_slug).config)

    result = run_with_db(settings, work)
    changed = ", ".join(f"{n} {kind}" for kind, n in result.changes.items() if n)
    click.echo(
        f"{tenant_slug}: {result.created} new alerts{f', {changed}' if changed else ''} "
        f"({result.candidates} conditions found; {result.live} alerts not resolved)"
    )


@main.group()
def schema() -> None:
    """The committed GraphQL SDL files."""


@schema.command("export")
def schema_export() -> None:
    """Write schema/staff.graphql from the code (a test fails while they differ)."""
    from schema.sdl import write_all

    for path in write_all(PROJECT_SCHEMA_DIR):
        click.echo(f"wrote {path}")


@main.group()
def statements() -> None:
    """Statement of account PDFs."""


@statements.command("render")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--as-of", "as_of", required=True, type=click.DateTime(["%Y-%m-%d"]), help="closing date")
@click.option(
    "--customers", default="", help="comma-separated account numbers (default: every customer with a balance)"
)
@click.option(
    "--kind",
    type=click.Choice(["activity", "open_item"]),
    default="activity",
    show_default=True,
    help="activity: the month up to --as-of; open_item: what is open on --as-of",
)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="render processes (default: cores)")
def statements_render(
    tenant_slug: str, as_of, customers: str, kind: str, out_dir: Path, workers: int | None
) -> None:
    """Render month-end statements for every customer with a balance, on every core."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from app.documents import batch
    from app.documents.service import StatementKind

    settings, registry = load()
    require_tenant(registry, tenant_slug)
    accounts = [a.strip() for a in customers.split(",") if a.strip()]

    async def work():
        scope = await system_scope(tenant_slug, principal="cli")
        return await batch.prepare_statements(
            scope, as_of.date(), StatementKind(kind), accounts, tenants=registry
        )

    prepared = run_with_db(settings, work)
    if not prepared:
        click.echo("no customer has a balance on that date: nothing to render")
        return
    columns = (TextColumn("statements"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("render", total=len(prepared))
        files = batch.render_all(prepared, out_dir, workers=workers, on_done=lambda _: progress.advance(task))
    click.echo(f"rendered {len(files)} statements into {out_dir}")
