"""The onboarding pipeline of new customer accounts (docs/credit-and-compliance.md, Onboarding):

    application -> kyc -> credit_decision -> approved -> active      (or rejected from any open step)

An application opens with ``createCustomerApplication`` (sales or credit staff: a new account, not
approved yet) or when an import creates an account whose ``onboardingStatus`` is not approved. Then the
existing flows move it, so nobody keeps two records in step by hand:

- ``startKycReview`` on the account: application -> kyc (owner: compliance);
- the KYC review passed: kyc -> credit_decision (owner: credit); failed: -> rejected;
- an approved credit limit request took effect: credit_decision -> approved (owner: sales);
- ``activateCustomerAccount``: approved -> active (the account may trade); ``rejectCustomerApplication``:
  any open step -> rejected, with a reason.

Each move is conditional on the version read, records the step, its owner (the role that acts next), who
moved it and when in ``history``, keeps ``customer_account.onboarding_status`` in step and is audited
with before and after. A move that does not apply (an account without an application, a step already
past) changes nothing: the KYC and limit flows serve existing customers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.auth.permissions import require
from app.credit import repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.inputs.codes import check_country, check_currency
from app.inputs.text import check_text
from app.models import OnboardingApplication
from app.models.enums import OnboardingStatus, OnboardingStep
from app.scope import Scope
from app.tenancy.config import TenantConfig

S = OnboardingStep
OWNER = {S.APPLICATION: "compliance", S.KYC: "compliance", S.CREDIT_DECISION: "credit", S.APPROVED: "sales"}
OPEN_STEPS = (S.APPLICATION, S.KYC, S.CREDIT_DECISION, S.APPROVED)
STATUS = {
    S.APPLICATION: OnboardingStatus.PROSPECT,
    S.KYC: OnboardingStatus.IN_PROGRESS,
    S.CREDIT_DECISION: OnboardingStatus.PENDING_APPROVAL,
    S.APPROVED: OnboardingStatus.APPROVED,
    S.ACTIVE: OnboardingStatus.APPROVED,
    S.REJECTED: OnboardingStatus.REJECTED,
}


@dataclass(frozen=True)
class NewApplication:
    account_number: str
    legal_name: str
    currency: str | None = None
    country: str = ""
    region: str = ""
    segment: str = ""
    requested_limit: int | None = None
    notes: str = ""


def _entry(step: OnboardingStep, by: str, note: str = "") -> dict:
    entry = {"step": step.value, "owner": OWNER.get(step, ""), "at": clock.now().isoformat(), "by": by}
    return entry | ({"note": note} if note else {})


def _view(row: OnboardingApplication) -> dict:
    return {"step": str(row.step), "owner": row.step_owner, "since": row.step_since.isoformat()}


async def create(scope: Scope, tenant: TenantConfig, new: NewApplication) -> OnboardingApplication:
    """A new account (not approved) and its application, at step ``application``."""
    require(scope, "onboarding.apply")
    number = check_text(new.account_number or "", "accountNumber", 50).strip()
    name = check_text(new.legal_name or "", "legalName", 255).strip()
    if not number:
        raise ValidationFailed("give the account number", field="accountNumber", code="required")
    if not name:
        raise ValidationFailed("give the company's legal name", field="legalName", code="required")
    currency = check_currency(new.currency) if new.currency else tenant.base_currency
    country = check_country(new.country) if new.country else ""
    region = check_text(new.region or "", "region", 50).strip()
    segment = check_text(new.segment or "", "segment", 50).strip()
    notes = check_text(new.notes or "", "notes", 5000, multiline=True).strip()
    async with in_transaction():
        if await repository.customer_by_number(scope, number) is not None:
            raise Conflict("an account with this number exists already", code="already_exists")
        customer = await repository.add_customer(
            scope,
            external_id=f"onboarding:{number}",
            account_number=number,
            legal_name=name,
            currency=currency,
            country=country,
            region=region,
            segment=segment,
            sales_owner=scope.principal,
            onboarding_status=OnboardingStatus.PROSPECT,
        )
        row = await _open(scope, customer.id, "staff", new.requested_limit, notes)
        await audit.record(
            scope,
            "onboarding.application_created",
            target_type="customer",
            target_id=customer.id,
            details={"application": row.id, "before": None, "after": _view(row) | {"legal_name": name}},
        )
    return await repository.application(scope, row.id)


async def _open(
    scope: Scope, customer_id: int, source: str, requested_limit: int | None = None, notes: str = ""
) -> OnboardingApplication:
    return await repository.add_application(
        scope,
        customer_id=customer_id,
        source=source,
        step=S.APPLICATION,
        step_since=clock.now(),
        step_owner=OWNER[S.APPLICATION],
        moved_by=scope.principal,
        history=[_entry(S.APPLICATION, scope.principal)],
        requested_limit=requested_limit,
        notes=notes,
        created_by=scope.principal,
    )


async def open_for_imported(scope: Scope, customer_ids: list[int]) -> int:
    """Applications for accounts an import created not approved yet (in the import's transaction)."""
    if not customer_ids:
        return 0
    fresh = await repository.customers_without_application(scope, customer_ids)
    for customer in fresh:
        row = await _open(scope, customer.id, "ingest")
        await repository.update_customer(scope, customer.id, onboarding_status=OnboardingStatus.PROSPECT)
        await audit.record(
            scope,
            "onboarding.application_created",
            target_type="customer",
            target_id=customer.id,
            details={"application": row.id, "before": None, "after": _view(row)},
        )
    return len(fresh)


async def _move(
    scope: Scope, row: OnboardingApplication, step: OnboardingStep, note: str = ""
) -> OnboardingApplication:
    """Move ``row`` to ``step`` (in the caller's transaction), or ``already_decided`` if moved meanwhile."""
    values = {
        "step": step,
        "step_since": clock.now(),
        "step_owner": OWNER.get(step, ""),
        "moved_by": scope.principal,
        "history": [*row.history, _entry(step, scope.principal, note)],
    }
    if step == S.REJECTED:
        values["decision_note"] = note
    if await repository.move_application(scope, row.id, row.version, **values) == 0:
        raise Conflict("the application was moved meanwhile; reload it", code="already_decided")
    await repository.update_customer(scope, row.customer_id, onboarding_status=STATUS[step])
    after = await repository.application(scope, row.id)
    await audit.record(
        scope,
        f"onboarding.{step.value}",
        target_type="customer",
        target_id=row.customer_id,
        details={"application": row.id, "before": _view(row), "after": _view(after), "note": note or None},
    )
    return after


async def _advance(scope: Scope, customer_id: int, from_steps, to: OnboardingStep, note: str = "") -> None:
    row = await repository.application_of(scope, customer_id)
    if row is not None and row.step in from_steps:
        await _move(scope, row, to, note)


async def on_kyc_started(scope: Scope, customer_id: int) -> None:
    await _advance(scope, customer_id, (S.APPLICATION,), S.KYC)


async def on_kyc_decided(scope: Scope, customer_id: int, passed: bool) -> None:
    if passed:
        await _advance(scope, customer_id, (S.APPLICATION, S.KYC), S.CREDIT_DECISION)
    else:
        await _advance(scope, customer_id, (S.APPLICATION, S.KYC), S.REJECTED, "KYC review failed")


async def on_limit_applied(scope: Scope, customer_id: int) -> None:
    await _advance(scope, customer_id, (S.CREDIT_DECISION,), S.APPROVED)


async def _load(scope: Scope, application_id: int) -> OnboardingApplication:
    row = await repository.application(scope, application_id)
    if row is None:
        raise NotFound("application not found", field="applicationId")
    return row


async def activate(scope: Scope, application_id: int) -> OnboardingApplication:
    """An approved account starts trading."""
    require(scope, "onboarding.apply")
    async with in_transaction():
        row = await _load(scope, application_id)
        if row.step != S.APPROVED:
            raise Conflict(
                f"only an approved application is activated; this one is at {row.step.value}",
                code="not_approved",
            )
        return await _move(scope, row, S.ACTIVE)


async def reject(scope: Scope, application_id: int, reason: str) -> OnboardingApplication:
    """Turn an application down at any open step, saying why."""
    require(scope, "credit.review")
    reason = check_text(reason or "", "reason", 2000, multiline=True).strip()
    if not reason:
        raise ValidationFailed("say why the application is rejected", field="reason", code="required")
    async with in_transaction():
        row = await _load(scope, application_id)
        if row.step not in OPEN_STEPS:
            raise Conflict(f"the application is {row.step.value} already", code="already_decided")
        return await _move(scope, row, S.REJECTED, reason)


@dataclass(frozen=True)
class Waiting:
    application: OnboardingApplication
    age_days: int


@dataclass(frozen=True)
class Pipeline:
    counts: dict[str, int]
    waiting: list[Waiting]
    total_waiting: int


def age_in_days(row: OnboardingApplication, tenant: TenantConfig, today: date) -> int:
    """Whole days in the step, counted in the tenant's dates (entered yesterday evening: 1)."""
    return (today - row.step_since.astimezone(ZoneInfo(tenant.timezone)).date()).days


async def pipeline(
    scope: Scope,
    tenant: TenantConfig,
    steps: list[OnboardingStep] | None,
    source: str | None,
    offset: int,
    limit: int,
) -> Pipeline:
    require(scope, "credit.read")
    counts = {s.value: 0 for s in S} | await repository.application_counts(scope, steps, source)
    rows, total = await repository.waiting_applications(scope, steps, source, offset, limit)
    today = tenant.today()
    return Pipeline(counts, [Waiting(r, age_in_days(r, tenant, today)) for r in rows], total)


async def of_customer(scope: Scope, customer_id: int) -> OnboardingApplication | None:
    require(scope, "credit.read")
    return await repository.application_of(scope, customer_id)
