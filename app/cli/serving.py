"""Serving: the server alone, or the whole demo (app.demo.run)."""

from __future__ import annotations

import click

from app.cli.base import load, main, run_with_db


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the API and portal with uvicorn."""
    import uvicorn

    load()  # fail fast, with a clear message, on bad settings or tenant files
    uvicorn.run("app.web.app:create_server_app", factory=True, host=host, port=port, log_config=None)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.001, 10),
    help="Size of the demo data seeded into an empty database, as a share of the full demo "
    "(northwind's 8,000 customers); 0.05 starts in seconds.",
)
def demo(host: str, port: int, scale: float) -> None:
    """Migrate, seed the demo tenants when empty, create a demo token and serve."""
    from app.demo.run import run_demo

    settings, registry = load()
    run_demo(settings, registry, host, port, run_with_db, scale=scale)
