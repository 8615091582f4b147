"""Two seeded tenants for the console's browser tests: receivables history, alerts evaluated, a support
request from a contact, open disputes from the seeder's disputers, and staff people at the providers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.alerts.jobs import evaluate_tenant
from app.auth import members
from app.ingest.seeder import seed_tenant
from app.models import CustomerAccount
from app.models.enums import ContactRole, StaffRole
from app.support import service as support
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope
from tests import auth_data, builders
from tests.portal_data import contact_scope
from tests.signin_flow import person

CUSTOMERS = 30
MONTHS = 14
REQUEST_SUBJECT = "Why was freight charged twice?"


@dataclass
class ConsoleWorld:
    subs: dict[str, str]


async def console_world(registry: TenantRegistry, providers: dict[str, str]) -> ConsoleWorld:
    subs: dict[str, str] = {}
    for slug, issuer, domain in (
        ("northwind", "a", "northwind.example"),
        ("cloudly", "b", "cloudly.example"),
    ):
        scope = await system_scope(slug)
        await seed_tenant(scope, customers=CUSTOMERS, months=MONTHS, seed=11)
        # One account far enough overdue for the alert rules' minimum amount, so each tenant has alerts.
        config = registry.require(slug).config
        today = config.today()
        late = await builders.customer(scope, f"Latepay {slug.title()}", currency=config.base_currency)
        due = (today - timedelta(days=75)).isoformat()
        issued = (today - timedelta(days=105)).isoformat()
        await builders.invoice(scope, late, 6_400_000, issued, due, currency=config.base_currency)
        await evaluate_tenant(config)
        for role in (StaffRole.ADMIN, StaffRole.VIEWER):
            email = f"{role.value}@{domain}"
            await members.invite_staff(scope, email, role)
            subs[f"{slug}-{role.value}"] = await person(providers[issuer], email, role.value.title())
    northwind = await system_scope("northwind")
    account = await CustomerAccount.filter(tenant_id=northwind.tenant_id).order_by("id").first()
    await auth_data.contact(northwind, "ann@buyer.example", {account.id: ContactRole.ADMIN})
    await support.create(
        await contact_scope("ann@buyer.example"),
        registry.require("northwind").config,
        account.id,
        REQUEST_SUBJECT,
        "Invoice shows freight on two lines.",
    )
    return ConsoleWorld(subs)
