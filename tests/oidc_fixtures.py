"""The real ``oidc-provider-mock`` server on loopback, tenants pointed at it, and a browser-like client.

Two providers run for the whole session: A is Northwind's (staff and portal), B is Cloudly's. The tenant
files are copied to a temporary folder with their issuers rewritten, so committed files keep the demo's
port. The ``browser`` client sends requests for ``https://testserver`` to the app under test and
everything else over real HTTP to the providers, so tests follow the same redirects a browser does.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import authlib.deprecate  # noqa: F401  (first, so its "always show" filter does not outrank ours)
import httpx
import pytest
import werkzeug.serving

from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants

ROOT = Path(__file__).resolve().parent.parent
DEMO_ISSUER = 'issuer = "http://127.0.0.1:9400"'
SECRETS = (
    "NORTHWIND_STAFF_OIDC_SECRET",
    "NORTHWIND_PORTAL_OIDC_SECRET",
    "CLOUDLY_STAFF_OIDC_SECRET",
    "CLOUDLY_PORTAL_OIDC_SECRET",
)
APP = "https://testserver"


@contextmanager
def running_provider(access_token_max_age: timedelta = timedelta(hours=1)) -> Iterator[str]:
    """Serve a fresh mock provider on a free loopback port; yields its issuer URL."""
    with warnings.catch_warnings():
        # The mock still imports authlib's deprecated jose module; that is its business, not ours.
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock

    app = oidc_provider_mock.app(access_token_max_age=access_token_max_age)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture(scope="session")
def providers() -> Iterator[dict[str, str]]:
    """Issuer URLs: ``a`` serves Northwind, ``b`` serves Cloudly, ``expired`` signs already-expired tokens."""
    with (
        running_provider() as a,
        running_provider() as b,
        running_provider(access_token_max_age=timedelta(seconds=-300)) as expired,
    ):
        yield {"a": a, "b": b, "expired": expired}


def tenants_dir(target: Path, issuers: dict[str, str]) -> Path:
    """A copy of tenants/ with each tenant's issuer replaced (slug -> issuer URL)."""
    shutil.copytree(ROOT / "tenants", target)
    for slug, issuer in issuers.items():
        path = target / f"{slug}.toml"
        path.write_text(path.read_text().replace(DEMO_ISSUER, f'issuer = "{issuer}"'))
    return target


@pytest.fixture(scope="session")
def oidc_secrets() -> Iterator[None]:
    """Client secrets in the environment, as an operator would set them (the mock accepts any)."""
    saved = {name: os.environ.get(name) for name in SECRETS}
    for name in SECRETS:
        os.environ[name] = f"test-secret-{name.lower()}"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def auth_registry(providers, oidc_secrets, tmp_path_factory) -> TenantRegistry:
    directory = tenants_dir(
        tmp_path_factory.mktemp("auth") / "tenants", {"northwind": providers["a"], "cloudly": providers["b"]}
    )
    return TenantRegistry.load(directory)


@pytest.fixture
async def auth_tenants(db, auth_registry) -> dict[str, int]:
    return await sync_tenants(auth_registry)


def browser_for(app) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.7", 50000))
    return httpx.AsyncClient(
        base_url=APP, mounts={APP: transport, "all://": httpx.AsyncHTTPTransport()}, timeout=10
    )


@pytest.fixture
async def browser(settings, auth_registry, auth_tenants) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on the app whose tenants sign in at the mock providers."""
    from app.web.app import create_app

    app = create_app(settings, auth_registry, manage_database=False)
    async with browser_for(app) as http:
        http.app = app  # type: ignore[attr-defined]
        yield http
