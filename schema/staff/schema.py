"""Assembles the staff schema from the per-domain query and mutation classes."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from app.observability.graphql import operation_metrics
from app.settings import Settings
from schema.common.scalars import SCALAR_OVERRIDES
from schema.errors import LedgerportMaskErrors, LedgerportSchema
from schema.guard import Budget, guard
from schema.staff.access import AccessMutation, AccessQuery
from schema.staff.alerts import AlertsMutation, AlertsQuery
from schema.staff.approvals import ApprovalsMutation, ApprovalsQuery
from schema.staff.banking import BankingMutation, BankingQuery
from schema.staff.collection_work import CollectionWorkMutation, CollectionWorkQuery
from schema.staff.credit_holds import CreditHoldsMutation
from schema.staff.credit_reviews import CreditReviewsMutation, CreditReviewsQuery
from schema.staff.customers import CustomersQuery
from schema.staff.dunning import DunningMutation, DunningQuery
from schema.staff.dunning_letters import DunningLettersMutation, DunningLettersQuery
from schema.staff.forecast import ForecastQuery
from schema.staff.ingest import IngestMutation
from schema.staff.invoices import InvoicesQuery
from schema.staff.jobs import JobsMutation, JobsQuery
from schema.staff.kyc import KycMutation
from schema.staff.onboarding import OnboardingMutation, OnboardingQuery
from schema.staff.payments import PaymentsMutation, PaymentsQuery
from schema.staff.realtime import StaffSubscription
from schema.staff.receivables import ReceivablesQuery, TrendQuery
from schema.staff.support import SupportQueueMutation, SupportQueueQuery
from schema.staff.viewer import ViewerQuery
from schema.staff.webhooks import WebhooksMutation, WebhooksQuery
from schema.staff.worklist import CollectionsQuery

QUERY_TYPES: tuple[type, ...] = (
    ViewerQuery,
    ReceivablesQuery,
    CustomersQuery,
    InvoicesQuery,
    ForecastQuery,
    CollectionsQuery,
    AlertsQuery,
    TrendQuery,
    AccessQuery,
    PaymentsQuery,
    SupportQueueQuery,
    BankingQuery,
    JobsQuery,
    ApprovalsQuery,
    CreditReviewsQuery,
    DunningQuery,
    DunningLettersQuery,
    CollectionWorkQuery,
    WebhooksQuery,
    OnboardingQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    IngestMutation,
    AlertsMutation,
    AccessMutation,
    PaymentsMutation,
    SupportQueueMutation,
    BankingMutation,
    JobsMutation,
    ApprovalsMutation,
    CreditHoldsMutation,
    CreditReviewsMutation,
    KycMutation,
    DunningMutation,
    DunningLettersMutation,
    CollectionWorkMutation,
    WebhooksMutation,
    OnboardingMutation,
)

Query = merge_types("Query", QUERY_TYPES)
Mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None


#: The staff schema's cost budget (schema.cost): the heaviest dashboard list (customers with balances,
#: aging and open invoices, 100 to a page) costs about 8,000, a sixth of it; see docs/limits.md.
MAX_COST = 50_000


def build_schema(settings: Settings | None = None, *, introspection: bool = True) -> strawberry.Schema:
    """The staff schema with its limits (docs/limits.md); introspection only outside production."""
    depth = settings.max_query_depth if settings else 12
    page = settings.max_page_size if settings else 100
    # A connection without ``first`` returns a page of the maximum size (page_of).
    budget = Budget(
        max_cost=MAX_COST, default_page_size=page, max_page_size=page, hide_suggestions=not introspection
    )
    # Factories, not instances: Strawberry builds fresh extensions for every request.
    extensions: list = [
        lambda: LedgerportMaskErrors(hide_suggestions=not introspection),
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=4000),
        guard(budget),
        operation_metrics("staff"),
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return LedgerportSchema(
        query=Query,
        mutation=Mutation,
        subscription=StaffSubscription,
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )
