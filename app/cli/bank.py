"""``ledgerport bank import``: a bank statement in, matched and posted like the staff mutation."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.base import fail, load, main, require_tenant, run_with_db
from app.tenancy.service import sync_tenants, system_scope


@main.group()
def bank() -> None:
    """Bank statements: cash application (docs/cash-application.md)."""


@bank.command("import")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option(
    "--format", "fmt", type=click.Choice(["camt", "mt940", "csv"]), default=None, help="default: detect"
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(tenant_slug: str, fmt: str | None, file: Path) -> None:
    """Import a camt.053/054, MT940 or CSV bank file into a tenant and apply its credit lines.

    A malformed file is refused whole: every problem is listed with its line or element, nothing is
    written, and the exit status is 1. Lines already imported (by the bank's reference) are skipped.
    """
    from app.banking.service import import_statement
    from app.banking.statement import BankFileError

    settings, registry = load()
    require_tenant(registry, tenant_slug)
    config = registry.require(tenant_slug).config.banking
    content = file.read_bytes()

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        try:
            return await import_statement(scope, content, config, filename=file.name, format=fmt)
        except BankFileError as exc:
            fail(f"{file}: {exc.message}", problems=exc.problems)

    result = run_with_db(settings, work)
    click.echo(
        f"{file.name} ({result.format}): {result.lines} lines, {result.duplicates} already imported, "
        f"{result.debits} debits, {result.posted} posted, {result.exceptions} to the exceptions queue"
    )
