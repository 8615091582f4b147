"""Assembles the staff schema from the per-domain query and mutation classes."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from app.settings import Settings
from schema.errors import LedgerportMaskErrors
from schema.staff.access import AccessMutation, AccessQuery
from schema.staff.alerts import AlertsMutation, AlertsQuery
from schema.staff.customers import CustomersQuery
from schema.staff.ingest import IngestMutation
from schema.staff.invoices import InvoicesQuery
from schema.staff.payments import PaymentsMutation, PaymentsQuery
from schema.staff.receivables import ReceivablesQuery, TrendQuery
from schema.staff.support import SupportQueueMutation, SupportQueueQuery
from schema.staff.viewer import ViewerQuery
from schema.staff.worklist import CollectionsQuery

QUERY_TYPES: tuple[type, ...] = (
    ViewerQuery,
    ReceivablesQuery,
    CustomersQuery,
    InvoicesQuery,
    CollectionsQuery,
    AlertsQuery,
    TrendQuery,
    AccessQuery,
    PaymentsQuery,
    SupportQueueQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    IngestMutation,
    AlertsMutation,
    AccessMutation,
    PaymentsMutation,
    SupportQueueMutation,
)

Query = merge_types("Query", QUERY_TYPES)
Mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None


def build_schema(settings: Settings | None = None, *, introspection: bool = True) -> strawberry.Schema:
    """The staff schema with its limits; introspection only outside production."""
    depth = settings.max_query_depth if settings else 12
    # Factories, not instances: Strawberry builds fresh extensions for every request.
    extensions: list = [
        LedgerportMaskErrors,
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=4000),
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
