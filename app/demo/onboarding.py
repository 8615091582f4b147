"""New accounts on their way through the demo's onboarding pipeline: one application just made, one
in its KYC review (with a register extract uploaded), and one past KYC whose temporary starting limit
waits in the credit inbox, so the pipeline, the KYC documents and ``validUntil`` have something to show.

Everything goes through the same services as the API (so each tenant file's checklist, four eyes and
routing apply); a rerun adds nothing once any application exists.
"""

from __future__ import annotations

from datetime import timedelta

from app.credit import documents, kyc, limits, onboarding
from app.demo import repository
from app.errors import LedgerportError
from app.models.enums import StaffRole
from app.money import to_minor
from app.scope import PrincipalKind, Scope
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

EXTRACT = b"%PDF-1.4\n% demo register extract\n"
APPLICANTS = (
    ("ONB-001", "Brightwater Instruments", "application"),
    ("ONB-002", "Kestrel Logistics", "kyc"),
    ("ONB-003", "Orchard Lane Foods", "credit_decision"),
)


def _person(scope: Scope, email: str, role: StaffRole) -> Scope:
    return Scope(scope.tenant_id, scope.tenant_slug, PrincipalKind.STAFF, email, role=role)


async def waiting_applications(registry: TenantRegistry, domain_of) -> int:
    """Open the demo applications of every tenant that has none; how many were opened."""
    opened = 0
    for tenant in registry:
        config = tenant.config
        scope = await system_scope(config.slug, principal="demo")
        if await repository.has_onboarding_applications(scope):
            continue
        domain = domain_of(tenant)
        sales = _person(scope, f"sales@{domain}", StaffRole.SALES)
        officers = [_person(scope, f"compliance{n}@{domain}", StaffRole.COMPLIANCE) for n in ("", "2")]
        for number, name, stop in APPLICANTS:
            try:
                app = await onboarding.create(sales, config, onboarding.NewApplication(number, name))
                opened += 1
                if stop == "application":
                    continue
                review = await kyc.start(officers[0], config, app.customer_id)
                first = review.checklist[0]
                valid = config.today() + timedelta(days=365) if first.get("expires") else None
                await documents.upload_kyc(
                    officers[0],
                    config,
                    review.id,
                    first["key"],
                    ("register-extract.pdf", "application/pdf", EXTRACT),
                    valid,
                )
                if stop == "kyc":
                    continue
                keys = [i["key"] for i in review.checklist]
                await kyc.complete(officers[0], config, review.id, "pass", keys)
                if config.kyc.four_eyes:
                    await kyc.complete(officers[1], config, review.id, "pass", [])
                tier = config.approvals.credit_limit[0].up_to or 10_000
                await limits.request_limit(
                    sales,
                    config,
                    app.customer_id,
                    to_minor(tier, config.base_currency) // 2,
                    "Starting limit for the first quarter, reviewed with the first statements",
                    valid_until=config.today() + timedelta(days=90),
                )
            except LedgerportError:
                continue  # a demo refinement, never a reason to stop the demo
    return opened
