"""The ``ledgerport`` command line: migrate, tenants, tokens, import, export, seed, serve, demo, schema,
statements, alerts, balances.

Every command reads the same settings as the server and talks to the database through the same services,
with a system scope for the tenant named by ``--tenant``. Errors print one clear message and exit non-zero;
they never print a stack trace at a user.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from app.db import lifecycle
from app.errors import ConfigError, LedgerportError
from app.models.enums import StaffRole
from app.settings import Settings, get_settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

PROJECT_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


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
        await lifecycle.open_database(settings.database_url)
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


@main.command()
def migrate() -> None:
    """Apply database migrations and sync tenant rows from tenants/*.toml."""
    settings, registry = load()
    try:
        asyncio.run(lifecycle.apply_migrations(settings.database_url))
    except Exception as exc:  # the driver's own message is the useful part
        fail(f"migration failed: {exc}")
    ids = run_with_db(settings, lambda: sync_tenants(registry))
    click.echo(f"database is up to date; tenants: {', '.join(sorted(ids))}")


@main.group()
def tenants() -> None:
    """Tenant configuration files."""


@tenants.command("check")
def tenants_check() -> None:
    """Validate every tenant file; exit 2 naming the file and field of the first bad one."""
    _, registry = load()
    for tenant_file in registry:
        c = tenant_file.config
        click.echo(f"ok  {c.slug:<16} {c.name} ({c.base_currency}, {c.timezone}) {tenant_file.path}")


@main.group()
def tokens() -> None:
    """Staff API tokens for machine clients."""


@tokens.command("create")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option("--name", required=True, help="a name to tell the token apart, unique per tenant")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None)
def tokens_create(tenant_slug: str, role: str, name: str, expires_in_days: int | None) -> None:
    """Create a token; the token itself is printed alone on the last line and never shown again."""
    from app.auth import tokens as token_service

    settings, registry = load()
    require_tenant(registry, tenant_slug)

    async def work():
        await sync_tenants(registry)
        scope = await system_scope(tenant_slug, principal="cli")
        return await token_service.create_token(
            scope, name=name, role=StaffRole(role), expires_in_days=expires_in_days
        )

    token, secret = run_with_db(settings, work)
    expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
    click.echo(f"created token {token.name!r} for {tenant_slug} with role {role}{expiry}", err=True)
    click.echo(secret)


@tokens.command("revoke")
@click.option("--tenant", "tenant_slug", required=True)
@click.option("--name", required=True)
def tokens_revoke(tenant_slug: str, name: str) -> None:
    """Revoke a token by name; requests with it get 401 from now on."""
    from app.auth import tokens as token_service

    settings, _ = load()

    async def work():
        return await token_service.revoke_token(await system_scope(tenant_slug, principal="cli"), name)

    run_with_db(settings, work)
    click.echo(f"revoked token {name!r}")


@tokens.command("list")
@click.option("--tenant", "tenant_slug", required=True)
def tokens_list(tenant_slug: str) -> None:
    """List a tenant's tokens (names, roles, prefixes; never the secrets)."""
    from app.auth import tokens as token_service

    settings, _ = load()

    async def work():
        return await token_service.list_tokens(await system_scope(tenant_slug, principal="cli"))

    for t in run_with_db(settings, work):
        state = (
            "revoked"
            if t.revoked_at
            else ("expires " + f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "active")
        )
        click.echo(f"{t.name:<24} {t.role:<12} {t.prefix}…  {state}")


def _print_import_summary(result, title: str) -> None:
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
    _print_import_summary(result, f"imported into {tenant_slug}")


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

    _print_import_summary(run_with_db(settings, work), f"seeded {tenant_slug}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the API and portal with uvicorn."""
    import uvicorn

    load()  # fail fast, with a clear message, on bad settings or tenant files
    uvicorn.run("app.web.app:create_server_app", factory=True, host=host, port=port, log_config=None)


def _demo_stripe(registry, app_base: str) -> str:
    """Start localstripe unless a Stripe API is configured; returns a line for the demo's banner."""
    import os

    from app.demo_payments import register_demo_webhooks, set_demo_stripe_env, start_demo_stripe
    from app.payments.stripe_gateway import API_BASE_ENV

    if os.environ.get(API_BASE_ENV):
        return f"not started: {API_BASE_ENV} is set ({os.environ[API_BASE_ENV]})"
    try:
        _, api_base = start_demo_stripe()
    except ImportError:
        return "not started: install the dev extra (pip install -e '.[dev]')"
    except OSError as exc:
        return f"not started ({exc}); is another demo's localstripe on that port?"
    set_demo_stripe_env(registry, api_base)
    register_demo_webhooks(registry, api_base, app_base)
    return f"{api_base} (test card 4242 4242 4242 4242, any date and CVC)"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Migrate, seed the demo tenants when empty, create a demo token and serve."""
    from app.demo import prepare_demo
    from app.demo_signin import invite_demo_people, set_demo_secrets, start_demo_provider

    settings, registry = load()
    asyncio.run(lifecycle.apply_migrations(settings.database_url))
    info = run_with_db(settings, lambda: prepare_demo(registry))
    people = run_with_db(settings, lambda: invite_demo_people(registry))
    set_demo_secrets(registry)
    stripe_note = _demo_stripe(registry, f"http://{host}:{port}")
    try:
        provider = start_demo_provider(people)
        provider_note = f"http://127.0.0.1:{provider.server_port}"
    except ImportError:
        provider_note = "not started: install the dev extra (pip install -e '.[dev]')"
    except OSError as exc:
        provider_note = f"not started ({exc}); is another demo provider already running there?"
    base = f"http://{host}:{port}"
    click.echo("")
    for slug, (rows, seconds) in info.seeded.items():
        click.echo(f"  seeded {slug}: {rows} rows in {seconds:.1f} s")
    click.secho("Ledgerport demo is ready", bold=True)
    click.echo(f"  GraphiQL (staff API): {base}/graphql")
    click.echo(f"  Health:               {base}/healthz")
    for slug, token in info.tokens.items():
        click.echo(f"  {slug} admin token:   {token}")
    click.echo(
        '  In GraphiQL, add the header  {"Authorization": "Bearer <token>"}  and run  { viewer { role } }'
    )
    click.echo(f"  Sign-in provider (oidc-provider-mock): {provider_note}")
    click.echo(f"  Card payments (localstripe):           {stripe_note}")
    click.echo("  Sign in (pick the identity on the provider's page):")
    for person in people:
        login = f"{base}/auth/{person.tenant}/{person.audience}/login"
        click.echo(f"    {person.email:<36} {person.role:<50} {login}")
    click.echo("    stranger@example.org is not invited: try it to see the refusal")
    click.echo("")
    import uvicorn

    uvicorn.run("app.web.app:create_server_app", factory=True, host=host, port=port, log_config=None)


@main.group()
def alerts() -> None:
    """Alert rules (also evaluated periodically by the server)."""


@alerts.command("evaluate")
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
def alerts_evaluate(tenant_slug: str) -> None:
    """Evaluate every alert rule for a tenant now; alerts raised before are not duplicated."""
    from app.alerts.scheduler import evaluate_tenant

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


if __name__ == "__main__":
    main()
