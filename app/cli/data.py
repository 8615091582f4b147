"""Data in and out: ERP batches (import, export), demo data (seed), and the maintained sums (balances)."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.base import fail, load, main, print_import_summary, require_tenant, run_with_db
from app.tenancy.service import sync_tenants, system_scope


@main.command("import")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(tenant_slug: str, files: tuple[Path, ...]) -> None:
    """Import a batch: JSON documents and/or CSV files named by record type (docs/ingest.md).

    The whole batch is checked first; on any problem nothing is written, every problem is listed and the
    exit status is 1.
    """
    from rich.progress import Progress

    from app.errors import ValidationFailed
    from app.ingest.format import read_files
    from app.ingest.service import import_batch

    settings, registry = load()
    require_tenant(registry, tenant_slug)
    try:
        batch = read_files(files)
    except ValidationFailed as exc:
        fail(exc.message, problems=exc.problems)

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        with Progress(transient=True) as bar:
            task = bar.add_task("writing", total=None)
            return await import_batch(
                scope, batch, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )

    result = run_with_db(settings, work)
    print_import_summary(result, f"imported into {tenant_slug}")


@main.command("export")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def export_command(tenant_slug: str, out_dir: Path, fmt: str) -> None:
    """Write every record of a tenant in the import format (batch.json, or one CSV per record type)."""
    from app.ingest.export import export_batch
    from app.ingest.format import write_csv, write_json

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        return await export_batch(await system_scope(tenant_slug, principal="cli"))

    batch = run_with_db(settings, work)
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        write_json(batch, out_dir / "batch.json")
        written = [out_dir / "batch.json"]
    else:
        written = write_csv(batch, out_dir)
    for path in written:
        click.echo(f"wrote {path}")


@main.command("seed")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--customers", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--months", type=click.IntRange(min=1, max=120), default=24, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="the same seed gives the same data")
def seed_command(tenant_slug: str, customers: int, months: int, seed: int) -> None:
    """Generate demo customers and history and import them through the ingest service."""
    from rich.progress import Progress

    from app.ingest.seeder import seed_tenant

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        with Progress(transient=True) as bar:
            task = bar.add_task("seeding customers", total=customers)
            return await seed_tenant(
                scope,
                customers=customers,
                months=months,
                seed=seed,
                progress=lambda done, _total: bar.update(task, completed=done),
            )

    print_import_summary(run_with_db(settings, work), f"seeded {tenant_slug}")


@main.group()
def balances() -> None:
    """The maintained settlement sums behind every as-of figure (app/receivables/settlement.py)."""


def _balances_run(tenant_slug: str, repair: bool) -> list[dict]:
    from tortoise.transactions import in_transaction

    from app.receivables import settlement

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        scope = await system_scope(tenant_slug, principal="cli")
        if repair:
            async with in_transaction() as conn:
                await settlement.refresh(scope.tenant_id, whole_tenant=True, conn=conn)
        return await settlement.drift(scope.tenant_id)

    return run_with_db(settings, work)


@balances.command("verify")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
def balances_verify(tenant_slug: str) -> None:
    """Check that every invoice's, payment's and credit note's sums agree with its movements; exit 1
    listing the rows that do not (a writer that skipped the refresh, or a hand edit of the database)."""
    drifted = _balances_run(tenant_slug, repair=False)
    for row in drifted[:20]:
        click.echo(f"{row['table']} {row['id']}: stored {row['stored']}, movements say {row['actual']}")
    if drifted:
        fail(
            f"{len(drifted)} row(s) disagree with their movements; `ledgerport balances rebuild` repairs them"
        )
    click.echo(f"{tenant_slug}: every maintained sum agrees with its movements")


@balances.command("rebuild")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
def balances_rebuild(tenant_slug: str) -> None:
    """Recompute every maintained sum of a tenant from its movements, in one transaction."""
    drifted = _balances_run(tenant_slug, repair=True)
    if drifted:
        fail(f"{len(drifted)} row(s) still disagree after the rebuild")
    click.echo(f"{tenant_slug}: maintained sums rebuilt from the movements")
