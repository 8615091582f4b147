"""Drawing a portal page: the signed-in contact's session, tenant branding and the base layout.

``PortalSession`` is what a page handler gets: the scope, the tenant file, the contact's profile and the
CSRF token for its forms. ``page(session, template, nav=..., account=..., **context)`` renders a template
that extends ``portal/base.html`` with the branding, the account switcher and the navigation filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from app.contacts.service import ContactProfile
from app.documents.formatting import Formatter
from app.scope import Scope
from app.settings import PROJECT_ROOT
from app.tenancy.branding import NEUTRAL, brand_of
from app.tenancy.registry import TenantFile
from schema.common import ids

NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class AccountLink:
    id: str  # opaque account id, as in page URLs
    pk: int
    name: str
    role: str


@dataclass(frozen=True)
class PortalSession:
    scope: Scope
    tenant: TenantFile
    profile: ContactProfile
    csrf_token: str

    @property
    def accounts(self) -> list[AccountLink]:
        return [
            AccountLink(ids.encode_id("Account", a.id), a.id, a.name, a.role.value)
            for a in self.profile.accounts
        ]

    def account(self, opaque: str) -> AccountLink | None:
        """The contact's account named by an opaque id in a URL; None for anything else (then 404)."""
        return next((a for a in self.accounts if a.id == opaque), None)


@lru_cache(maxsize=4)
def environment(directory: Path = PROJECT_ROOT / "templates") -> Environment:
    return Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def formatter(tenant: TenantFile | None) -> Formatter:
    return Formatter(tenant.config.locale if tenant else "en_US")


def page(
    session: PortalSession | None,
    template: str,
    *,
    tenant: TenantFile | None = None,
    nav: str = "",
    account: AccountLink | None = None,
    status: int = 200,
    **context,
) -> HTMLResponse:
    """``template`` inside the base layout, branded as the session's tenant (or ``tenant``); a page about
    no tenant (the chooser on a host that names none) wears Ledgerport's neutral look instead."""
    tenant = tenant or (session.tenant if session else None)
    values = {
        "brand": brand_of(tenant) if tenant else NEUTRAL,
        # The pages' words are English; numbers and dates follow the tenant's locale.
        "lang": "en",
        "contact": session.profile if session else None,
        "accounts": session.accounts if session else [],
        "account": account,
        "nav": nav,
        "csrf_token": session.csrf_token if session else "",
        "fmt": formatter(tenant),
        "limits": tenant.config.support if tenant else None,
        "flash": "",
        "title": "",
        "errors": {},
        "form": {},
        **context,
    }
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)
