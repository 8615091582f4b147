"""What every ``ledgerport`` command shares: the command group, settings and tenant files loaded with a
clear message, and the database opened around the work with expected errors turned into messages (a
refused batch prints every problem) and never a stack trace.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import click

from app.db import lifecycle
from app.errors import ConfigError, LedgerportError
from app.settings import Settings, get_settings
from app.tenancy.registry import TenantRegistry


def fail(message: str, code: int = 1, problems: list | None = None) -> None:
    """Print one error (and each problem of a refused batch on its own line) and exit non-zero."""
    click.secho(f"error: {message}", fg="red", err=True)
    for problem in problems or ():
        click.echo(f"  {problem}", err=True)
    sys.exit(code)


def load(settings: Settings | None = None) -> tuple[Settings, TenantRegistry]:
    try:
        settings = settings or get_settings()
        return settings, TenantRegistry.load(settings.tenants_dir)
    except ConfigError as exc:
        fail(exc.message, 2)
        raise  # unreachable, for type checkers


def require_tenant(registry: TenantRegistry, slug: str) -> None:
    try:
        registry.require(slug)
    except ConfigError as exc:
        fail(exc.message, 2)


def run_with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    """Open the database, run ``work``, close it; turn expected errors into messages."""

    async def main() -> Any:
        await lifecycle.open_database(settings.database_url, settings=settings)
        try:
            return await work()
        finally:
            await lifecycle.close_database()

    try:
        return asyncio.run(main())
    except LedgerportError as exc:
        fail(exc.message, problems=getattr(exc, "problems", None))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Ledgerport: accounts receivable for finance teams and their customers."""


def print_import_summary(result, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in ("record type", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "record type" else "right")
    for record_type, counts in result.counts.items():
        if counts.total:
            table.add_row(record_type, str(counts.created), str(counts.updated), str(counts.unchanged))
    Console().print(table)
    click.echo(f"{result.rows_written} rows written in {result.seconds:.1f} s")
