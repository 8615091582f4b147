"""Sign-in for the demo: a local OIDC provider, demo client secrets, and people invited to sign in.

``ledgerport demo`` serves ``oidc-provider-mock`` on 127.0.0.1:9400 (the issuer the demo tenant files
name) in a background thread, with one-click demo identities. Client secrets are set in this process only
when the operator has not set them: the mock accepts any secret, and a real deployment must never get a
made-up one, which is why this lives in the demo and nowhere else.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field

from app.auth.repositories import identities
from app.contacts import repository as accounts
from app.demo import showcase
from app.models.enums import ContactRole, StaffRole
from app.settings import PROJECT_ROOT
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

DEMO_PROVIDER_HOST = "127.0.0.1"
DEMO_PROVIDER_PORT = 9400
# Credit and sales show the approvals inbox and its four eyes (app/demo/approvals.py), compliance the
# KYC reviews.
STAFF_ROLES = (
    StaffRole.ADMIN,
    StaffRole.FINANCE,
    StaffRole.COLLECTIONS,
    StaffRole.CREDIT,
    StaffRole.SALES,
    StaffRole.COMPLIANCE,
)
UNINVITED = "stranger@example.org"


@dataclass
class DemoPerson:
    tenant: str
    audience: str
    email: str
    role: str


@dataclass
class DemoSignIn:
    people: list[DemoPerson] = field(default_factory=list)
    secrets_set: list[str] = field(default_factory=list)


def set_demo_secrets(registry: TenantRegistry) -> list[str]:
    """Give every OIDC client without a secret in the environment a demo one; returns the names set."""
    named = []
    for tenant in registry:
        for client in (tenant.config.auth.staff, tenant.config.auth.portal):
            env = client.client_secret_env if client else None
            if env and not os.environ.get(env):
                os.environ[env] = f"demo-only-{env.lower()}"
                named.append(env)
    return named


def demo_domain(tenant) -> str:
    staff = tenant.config.auth.staff
    return (
        staff.allowed_email_domains[0]
        if staff and staff.allowed_email_domains
        else f"{tenant.config.slug}.example"
    )


async def invite_demo_people(registry: TenantRegistry) -> list[DemoPerson]:
    """Invite demo staff (one per role shown) and contacts (admin and viewer of two accounts worth
    showing: overdue, disputed, promised, with billing details; app.demo.showcase)."""
    people: list[DemoPerson] = []
    for tenant in registry:
        slug = tenant.config.slug
        scope = await system_scope(slug, principal="demo")
        for role in STAFF_ROLES:
            email = f"{role.value}@{demo_domain(tenant)}"
            if await identities.membership_by_email(scope.tenant_id, email) is None:
                await identities.add_membership(scope.tenant_id, email, f"Demo {role.value}", role)
            people.append(DemoPerson(slug, "staff", email, role.value))
        customers = await showcase.accounts_to_show(scope, tenant.config, 2)
        if not customers:
            customers = [
                await accounts.add_account(
                    scope,
                    external_id="DEMO-1",
                    account_number="DEMO-1",
                    legal_name=f"{tenant.config.name} demo customer",
                    currency=tenant.config.base_currency,
                )
            ]
        for customer, role in zip(customers, (ContactRole.ADMIN, ContactRole.VIEWER), strict=False):
            email = f"{role.value}@customer{customer.id}.{slug}.example"
            contact = await identities.contact_by_email(scope.tenant_id, email)
            if contact is None:
                contact = await identities.add_contact(scope.tenant_id, email, f"Demo contact ({role.value})")
            await identities.grant_access(scope.tenant_id, contact.id, customer.id, role)
            people.append(DemoPerson(slug, "portal", email, f"{role.value} of {customer.legal_name}"))
    return people


PICO_CDN = "https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css"
PICO_LOCAL = PROJECT_ROOT / "node_modules" / "@picocss" / "pico" / "css" / "pico.min.css"
PICO_PATH = "/_demo/pico.min.css"


def serve_styles_locally(app) -> None:
    """The mock provider's pages link Pico CSS from a CDN; the demo serves the npm copy instead, so its
    sign-in page is styled offline and loads nothing from another host."""
    import flask

    @app.get(PICO_PATH)
    def pico():
        if not PICO_LOCAL.is_file():
            flask.abort(404)
        return flask.send_file(PICO_LOCAL, mimetype="text/css", max_age=86400)

    @app.after_request
    def local_styles(response):
        if response.mimetype == "text/html" and not response.direct_passthrough:
            response.set_data(response.get_data(as_text=True).replace(PICO_CDN, PICO_PATH))
        return response


def start_demo_provider(people: list[DemoPerson], port: int = DEMO_PROVIDER_PORT):
    """Serve the mock provider on loopback in a daemon thread; returns the server (``server_port``)."""
    import authlib.deprecate  # noqa: F401  (its "always show" filter must not outrank ours below)
    import werkzeug.serving

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock

    users = {p.email for p in people} | {UNINVITED}
    claims = [
        oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True, "name": email})
        for email in sorted(users)
    ]
    app = oidc_provider_mock.app(user_claims=claims)
    serve_styles_locally(app)
    server = werkzeug.serving.make_server(DEMO_PROVIDER_HOST, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True, name="demo-oidc-provider").start()
    return server
