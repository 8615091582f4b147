"""Card payments for the demo: localstripe on loopback, demo Stripe keys, and its webhooks to the app.

``ledgerport demo`` starts ``localstripe`` (port ``LEDGERPORT_DEMO_STRIPE_PORT``, default 8420) unless
``LEDGERPORT_STRIPE_API_BASE`` already points somewhere, fills the Stripe key variables the tenant files
name only where they are unset (a real deployment never gets a made-up key), and asks localstripe to
deliver its signed events to each tenant's webhook URL. The pay page then loads localstripe's fake
Stripe.js. Like the demo's sign-in provider, this lives in the demo and nowhere else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import MutableMapping

import httpx

from app.payments.stripe_gateway import API_BASE_ENV, JS_URL_ENV
from app.settings import PROJECT_ROOT
from app.tenancy.registry import TenantRegistry

DEMO_STRIPE_PORT = 8420


def set_demo_stripe_env(
    registry: TenantRegistry, api_base: str, environ: MutableMapping[str, str] | None = None
) -> list[str]:
    """Demo values for every unset Stripe variable (keys per tenant, API base, Stripe.js URL)."""
    env = os.environ if environ is None else environ
    wanted: dict[str, str] = {API_BASE_ENV: api_base, JS_URL_ENV: f"{api_base}/js.stripe.com/v3/"}
    for tenant in registry:
        slug, payments = tenant.config.slug, tenant.config.payments
        for name, value in (
            (payments.stripe_secret_key_env, f"sk_test_demo_{slug}"),
            (payments.stripe_publishable_key_env, f"pk_test_demo_{slug}"),
            (payments.stripe_webhook_secret_env, f"whsec_demo_{slug}"),
        ):
            if name:
                wanted[name] = value
    named = [name for name, value in wanted.items() if not env.get(name)]
    for name in named:
        env[name] = wanted[name]
    return named


def start_demo_stripe(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """localstripe in a child process that stops with this one; returns it and its base URL."""
    port = port or int(os.environ.get("LEDGERPORT_DEMO_STRIPE_PORT", DEMO_STRIPE_PORT))
    command = [
        sys.executable,
        "-m",
        "app.payments.localstripe_runner",
        "--port",
        str(port),
        "--exit-with-parent",
        str(os.getpid()),
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OSError(
                process.stderr.read().decode(errors="replace").strip().splitlines()[-1:] or "exited"
            )
        try:
            if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise OSError("localstripe did not answer in 20 seconds")


def register_demo_webhooks(registry: TenantRegistry, api_base: str, app_base: str) -> None:
    """localstripe signs every event with each registered secret and sends it to every hook; the app
    ignores another tenant's intents, so one hook per tenant is right."""
    for tenant in registry:
        secret_env = tenant.config.payments.stripe_webhook_secret_env
        if secret_env and os.environ.get(secret_env):
            slug = tenant.config.slug
            httpx.post(
                f"{api_base}/_config/webhooks/{slug}",
                data={"url": f"{app_base}/webhooks/stripe/{slug}", "secret": os.environ[secret_env]},
                timeout=5,
            ).raise_for_status()
