"""The onboarding pipeline in the staff API over ``app.credit.onboarding``: ``onboardingPipeline`` (counts
per step and the accounts waiting, longest first, with their age in days), ``createCustomerApplication``
(sales or credit staff), ``activateCustomerAccount`` and ``rejectCustomerApplication``. The KYC and
credit limit mutations move applications on by themselves (docs/credit-and-compliance.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.credit import onboarding
from app.errors import LedgerportError
from app.inputs.money import parse_amount
from app.models import OnboardingApplication
from app.models.enums import OnboardingStep
from schema.common.connections import Connection, connection_of, page_of
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.errors import UserError, user_errors_from
from schema.permissions import requires


@strawberry.enum(description="Where a new account's onboarding waits; ACTIVE and REJECTED end it.")
class OnboardingStepEnum(Enum):
    APPLICATION = "application"
    KYC = "kyc"
    CREDIT_DECISION = "credit_decision"
    APPROVED = "approved"
    ACTIVE = "active"
    REJECTED = "rejected"


@strawberry.type(description="One step an application went through: who moved it there and when.")
class OnboardingStepEntry:
    step: OnboardingStepEnum
    owner: str = strawberry.field(description="The role that acts in this step (empty once ended).")
    at: datetime
    by: str
    note: str | None


@strawberry.type(description="A new customer account on its way to trading.")
class OnboardingApplicationNode:
    id: strawberry.ID
    customer_id: strawberry.ID
    customer_name: str
    account_number: str
    source: str = strawberry.field(description="staff (createCustomerApplication) or ingest (an import).")
    step: OnboardingStepEnum
    owner: str = strawberry.field(description="The role that acts next.")
    since: datetime = strawberry.field(description="When the application entered its step.")
    age_days: int = strawberry.field(description="Whole days in the step (the tenant's dates).")
    created_by: str
    requested_limit: Money | None
    notes: str
    decision_note: str | None
    history: list[OnboardingStepEntry]


def application_node(row: OnboardingApplication, age_days: int, base: str) -> OnboardingApplicationNode:
    return OnboardingApplicationNode(
        id=strawberry.ID(encode_id("OnboardingApplication", row.id)),
        customer_id=strawberry.ID(encode_id("Customer", row.customer_id)),
        customer_name=row.customer.legal_name,
        account_number=row.customer.account_number,
        source=row.source,
        step=OnboardingStepEnum(str(row.step)),
        owner=row.step_owner,
        since=row.step_since,
        age_days=age_days,
        created_by=row.created_by,
        requested_limit=Money.of(row.requested_limit, base) if row.requested_limit is not None else None,
        notes=row.notes,
        decision_note=row.decision_note or None,
        history=[
            OnboardingStepEntry(
                step=OnboardingStepEnum(h["step"]),
                owner=h.get("owner", ""),
                at=datetime.fromisoformat(h["at"]),
                by=h.get("by", ""),
                note=h.get("note"),
            )
            for h in row.history
        ],
    )


@strawberry.type(description="A page of applications.")
class OnboardingApplicationConnection(Connection[OnboardingApplicationNode]):
    pass


@strawberry.type
class OnboardingStepCount:
    step: OnboardingStepEnum
    count: int


@strawberry.type(description="How many applications are at each step, and those still waiting.")
class OnboardingPipeline:
    counts: list[OnboardingStepCount]
    waiting: OnboardingApplicationConnection


@strawberry.input(description="Which applications to count and list; unset fields do not restrict.")
class OnboardingFilter:
    steps: list[OnboardingStepEnum] | None = None
    source: str | None = None


@strawberry.input
class CreateCustomerApplicationInput:
    account_number: str
    legal_name: str
    currency: str | None = strawberry.field(default=None, description="Default: the tenant's base currency.")
    country: str = ""
    region: str = ""
    segment: str = ""
    requested_limit: str | None = strawberry.field(
        default=None, description="The credit limit the applicant asks for (base currency), for the record."
    )
    notes: str = ""


@strawberry.input
class ActivateCustomerAccountInput:
    application_id: strawberry.ID


@strawberry.input
class RejectCustomerApplicationInput:
    application_id: strawberry.ID
    reason: str


@strawberry.type
class OnboardingApplicationPayload:
    application: OnboardingApplicationNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _answer(
    info: Info, action: Callable[[], Awaitable[OnboardingApplication]]
) -> OnboardingApplicationPayload:
    ctx = info.context
    try:
        row = await action()
    except LedgerportError as exc:
        return OnboardingApplicationPayload(user_errors=user_errors_from(exc))
    tenant = ctx.tenant_config
    age = onboarding.age_in_days(row, tenant, tenant.today())
    return OnboardingApplicationPayload(application=application_node(row, age, tenant.base_currency))


def _id(raw: strawberry.ID) -> int:
    try:
        return decode_id("OnboardingApplication", raw)
    except LedgerportError as exc:
        exc.field = "applicationId"
        raise


@strawberry.type
class OnboardingQuery:
    @strawberry.field(
        extensions=requires("credit.read"),
        description="Applications per step, and the accounts still waiting (longest in their step first).",
    )
    async def onboarding_pipeline(
        self,
        info: Info,
        filter: OnboardingFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OnboardingPipeline:
        ctx = info.context
        tenant = ctx.tenant_config
        page = page_of(first, after, ctx.settings.max_page_size)
        steps = [OnboardingStep(s.value) for s in filter.steps] if filter and filter.steps else None
        found = await onboarding.pipeline(
            ctx.scope, tenant, steps, filter.source if filter else None, page.offset, page.limit
        )
        c = connection_of(
            found.waiting,
            page,
            found.total_waiting,
            lambda w: application_node(w.application, w.age_days, tenant.base_currency),
        )
        return OnboardingPipeline(
            counts=[
                OnboardingStepCount(step=OnboardingStepEnum(k), count=n) for k, n in found.counts.items()
            ],
            waiting=OnboardingApplicationConnection(
                edges=c.edges, page_info=c.page_info, total_count=c.total_count
            ),
        )


@strawberry.type
class OnboardingMutation:
    @strawberry.mutation(
        extensions=requires("onboarding.apply"),
        description="Open a new customer account's application (not approved until KYC and credit decide).",
    )
    async def create_customer_application(
        self, info: Info, input: CreateCustomerApplicationInput
    ) -> OnboardingApplicationPayload:
        ctx = info.context
        tenant = ctx.tenant_config

        async def act():
            limit = (
                parse_amount(input.requested_limit, tenant.base_currency, "requestedLimit")
                if input.requested_limit
                else None
            )
            new = onboarding.NewApplication(
                account_number=input.account_number,
                legal_name=input.legal_name,
                currency=input.currency,
                country=input.country,
                region=input.region,
                segment=input.segment,
                requested_limit=limit,
                notes=input.notes,
            )
            return await onboarding.create(ctx.scope, tenant, new)

        return await _answer(info, act)

    @strawberry.mutation(
        extensions=requires("onboarding.apply"), description="Let an approved account start trading."
    )
    async def activate_customer_account(
        self, info: Info, input: ActivateCustomerAccountInput
    ) -> OnboardingApplicationPayload:
        return await _answer(info, lambda: onboarding.activate(info.context.scope, _id(input.application_id)))

    @strawberry.mutation(
        extensions=requires("credit.review"), description="Turn an application down at any open step."
    )
    async def reject_customer_application(
        self, info: Info, input: RejectCustomerApplicationInput
    ) -> OnboardingApplicationPayload:
        return await _answer(
            info, lambda: onboarding.reject(info.context.scope, _id(input.application_id), input.reason)
        )
