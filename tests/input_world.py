"""Two tenants with data, an admin token and a signed-in contact: what the refusal and fuzz tests send
their requests as, and a snapshot of every table to show that a refused request changed nothing.

Northwind (USD) holds the ingest tests' batch of every record type (customers A and B, four invoices,
payments, a credit note, a write-off, a dispute, a letter of credit); Cloudly (EUR) a customer of its own
with an invoice and a payment, so a leak across tenants would show in any list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
from starlette.responses import Response
from tortoise import Tortoise

from app.auth import sessions
from app.auth.repositories import identities
from app.db.sql import fetch_all
from app.ingest.export import export_batch
from app.ingest.service import import_batch
from app.models.enums import ContactRole
from app.scope import Scope
from app.settings import Settings
from app.web import cookies
from schema.common.ids import encode_id
from tests.helpers import make_token
from tests.ingest_batches import with_everything

CLOUDLY_BATCH = {
    "customers": [
        {"externalId": "Z", "accountNumber": "ACC-Z", "name": "Zephyr AG", "currency": "EUR", "country": "DE"}
    ],
    "invoices": [
        {
            "externalId": "RE-1",
            "number": "RE-1",
            "customer": "Z",
            "issueDate": "2026-06-01",
            "dueDate": "2026-07-01",
            "currency": "EUR",
            "lines": [{"description": "Licence", "quantity": "3", "unitPrice": "120.00"}],
        }
    ],
    "payments": [
        {
            "externalId": "Z-PAY-1",
            "customer": "Z",
            "receivedDate": "2026-06-15",
            "currency": "EUR",
            "amount": "100.00",
            "allocations": [{"invoice": "RE-1", "amount": "100.00"}],
        }
    ],
}

#: Anything but exactly one email address, and the code each is refused with.
NOT_ONE_ADDRESS = [
    ("a list", "a@x.example, b@y.example", "invalid_email"),
    ("a header injection", "a@x.example\r\nBcc: c@y.example", "invalid_email"),
    ("a display name", "Ann <a@x.example>", "invalid_email"),
    ("10,000 characters", "a" * 9_990 + "@x.example", "too_long"),
]

#: Tables a refused request may still touch: the caller's session (last seen) and token (last used).
VOLATILE = {"auth_session", "api_token"}


@dataclass
class World:
    token: str
    portal_cookies: dict[str, str]
    csrf: str
    customer_a: str  # opaque ids (GraphQL)
    customer_b: str
    account_a: str  # the contact's account, as the portal names it
    invoice_ids: list[str]
    portal_invoice_ids: list[str]
    other_tenant_customer: str


async def build(scope_a: Scope, scope_b: Scope, settings: Settings) -> World:
    await import_batch(scope_a, with_everything())
    await import_batch(scope_b, CLOUDLY_BATCH)
    rows = await fetch_all("SELECT id, external_id, tenant_id FROM customer_account ORDER BY id", {})
    ids = {(r["tenant_id"], r["external_id"]): r["id"] for r in rows}
    a, b = ids[(scope_a.tenant_id, "A")], ids[(scope_a.tenant_id, "B")]
    z = ids[(scope_b.tenant_id, "Z")]
    invoices = await fetch_all(
        "SELECT id FROM invoice WHERE tenant_id = :t AND customer_id = :c ORDER BY id",
        {"t": scope_a.tenant_id, "c": a},
    )
    contact = await identities.add_contact(scope_a.tenant_id, "payer@customer-a.example", "Pat Payer")
    await identities.grant_access(scope_a.tenant_id, contact.id, a, ContactRole.ADMIN)
    _, secret = await sessions.start(
        scope_a.tenant_id, kind=sessions.CONTACT, principal=contact.email, contact_id=contact.id
    )
    jar = _session_cookies(settings, scope_a, secret)
    return World(
        token=await make_token("northwind"),
        portal_cookies=jar,
        csrf=jar[cookies.CSRF_COOKIES["portal"]],
        customer_a=encode_id("Customer", a),
        customer_b=encode_id("Customer", b),
        account_a=encode_id("Account", a),
        invoice_ids=[encode_id("Invoice", r["id"]) for r in invoices],
        portal_invoice_ids=[encode_id("Invoice", r["id"]) for r in invoices],
        other_tenant_customer=encode_id("Customer", z),
    )


def _session_cookies(settings: Settings, scope: Scope, secret: str) -> dict[str, str]:
    """The cookies a portal sign-in sets, as ``app.web.cookies`` writes them."""
    response = Response()
    cookies.set_session(response, settings, "portal", scope.tenant_id, scope.tenant_slug, secret)
    jar = {}
    for name, value in response.raw_headers:
        if name == b"set-cookie":
            pair = value.decode().split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key] = val.strip('"')
    return jar


def body(query: str, variables: dict | None) -> bytes:
    """JSON as a client may send it: ASCII with escapes, so a lone surrogate travels as ``\\ud800``
    (httpx's ``json=`` writes UTF-8, which cannot hold one)."""
    return json.dumps({"query": query, "variables": variables or {}}).encode()


async def staff(client: httpx.AsyncClient, world: World, query: str, variables: dict | None = None):
    headers = {"Authorization": f"Bearer {world.token}", "Content-Type": "application/json"}
    return await client.post("/graphql", content=body(query, variables), headers=headers)


async def portal(client: httpx.AsyncClient, world: World, query: str, variables: dict | None = None):
    headers = {cookies.CSRF_HEADER: world.csrf, "Content-Type": "application/json"}
    client.cookies.update(world.portal_cookies)
    try:
        return await client.post("/portal/graphql", content=body(query, variables), headers=headers)
    finally:
        client.cookies.clear()


async def snapshot(scope_a: Scope, scope_b: Scope) -> dict:
    """Both tenants' exports and every row of every table but the caller's session and token."""
    tables = sorted(m._meta.db_table for m in Tortoise.apps["models"].values())
    rows = {t: await fetch_all(f'SELECT * FROM "{t}" ORDER BY 1', {}) for t in tables if t not in VOLATILE}
    return {"a": await export_batch(scope_a), "b": await export_batch(scope_b), "rows": rows}
