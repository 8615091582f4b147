"""``ledgerport demo`` from start to serving: migrate, seed when empty, invite demo people, start the
local sign-in provider and localstripe, print the banner, serve.

The banner is what a newcomer reads first, so everything on it must work when copied as printed: URLs,
tokens, identities, and the test card (typed without spaces, the way the pay page takes it).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, MutableMapping

import click

from app.db import lifecycle
from app.settings import Settings
from app.tenancy.registry import TenantRegistry

TEST_CARD = "4242424242424242"


def set_portal_origin(port: int, environ: MutableMapping[str, str] | None = None) -> str:
    """Links in the demo's PDFs and emails name the tenant's host (``northwind.localhost``, which browsers
    resolve to loopback); without this they said ``https://`` on port 443, where nothing listens. An
    operator's own setting wins."""
    from app.portal.links import ORIGIN_ENV

    env = os.environ if environ is None else environ
    env.setdefault(ORIGIN_ENV, f"http://{{host}}:{port}")
    return env[ORIGIN_ENV]


def start_stripe(registry: TenantRegistry, app_base: str) -> str:
    """Start localstripe unless a Stripe API is configured; returns a line for the banner."""
    from app.demo.payments import register_demo_webhooks, set_demo_stripe_env, start_demo_stripe
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
    return f"{api_base} (test card {TEST_CARD}, any future expiry date and any CVC)"


def start_provider(people) -> str:
    from app.demo.signin import start_demo_provider

    try:
        provider = start_demo_provider(people)
    except ImportError:
        return "not started: install the dev extra (pip install -e '.[dev]')"
    except OSError as exc:
        return f"not started ({exc}); is another demo provider already running there?"
    return f"http://127.0.0.1:{provider.server_port}"


def print_banner(base: str, info, people, provider_note: str, stripe_note: str) -> None:
    click.echo("")
    for slug, (rows, seconds) in info.seeded.items():
        click.echo(f"  seeded {slug}: {rows} rows in {seconds:.1f} s")
    click.secho("Ledgerport demo is ready", bold=True)
    click.echo(f"  Staff console:        {base}/console/  (sign in as one of the staff identities below)")
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
    for audience, title in (("staff", "Staff (the console)"), ("portal", "Customer contacts (the portal)")):
        click.echo(f"   {title}:")
        for person in (p for p in people if p.audience == audience):
            login = f"{base}/auth/{person.tenant}/{person.audience}/login"
            if audience == "staff":
                login += "?next=/console/"
            click.echo(f"    {person.email:<36} {person.role:<50} {login}")
    click.echo("    stranger@example.org is not invited: try it to see the refusal")
    click.echo("")


def run_demo(
    settings: Settings,
    registry: TenantRegistry,
    host: str,
    port: int,
    run_with_db: Callable,
    scale: float = 1.0,
) -> None:
    """Everything the demo command does; ``run_with_db`` is the CLI's (it turns errors into messages)."""
    import uvicorn

    from app.demo.approvals import waiting_requests
    from app.demo.data import prepare_demo
    from app.demo.onboarding import waiting_applications
    from app.demo.signin import demo_domain, invite_demo_people, set_demo_secrets

    asyncio.run(lifecycle.apply_migrations(settings.database_url))
    info = run_with_db(settings, lambda: prepare_demo(registry, scale=scale))
    people = run_with_db(settings, lambda: invite_demo_people(registry))
    run_with_db(settings, lambda: waiting_requests(registry, demo_domain))
    run_with_db(settings, lambda: waiting_applications(registry, demo_domain))
    set_demo_secrets(registry)
    set_portal_origin(port)
    base = f"http://{host}:{port}"
    stripe_note = start_stripe(registry, base)
    print_banner(base, info, people, start_provider(people), stripe_note)
    uvicorn.run("app.web.app:create_server_app", factory=True, host=host, port=port, log_config=None)
