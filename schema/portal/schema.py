"""Assembles the portal schema; it shares no types with the staff schema."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from app.observability.graphql import operation_metrics
from app.portal.access import MAX_PAGE
from schema.common.scalars import SCALAR_OVERRIDES
from schema.errors import LedgerportMaskErrors, LedgerportSchema
from schema.guard import Budget, guard
from schema.portal.account import AccountQuery
from schema.portal.invitations import InvitationMutation
from schema.portal.me import MeQuery
from schema.portal.mutations import AccountMutation
from schema.portal.payments import ConfirmPaymentMutation, PaymentMutation
from schema.portal.realtime import PortalSubscription
from schema.portal.support import SupportMutation, SupportQuery

QUERY_TYPES: tuple[type, ...] = (MeQuery, AccountQuery, SupportQuery)
MUTATION_TYPES: tuple[type, ...] = (
    InvitationMutation,
    AccountMutation,
    SupportMutation,
    PaymentMutation,
    ConfirmPaymentMutation,
)

Query = merge_types("PortalQuery", QUERY_TYPES)
Mutation = merge_types("PortalMutation", MUTATION_TYPES)


#: The portal schema's cost budget (schema.cost): an account page with its invoices, payments and
#: support requests costs a few thousand; see docs/limits.md.
MAX_COST = 20_000


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The portal schema with its limits (docs/limits.md), tighter than the staff schema's."""
    budget = Budget(
        max_cost=MAX_COST,
        default_page_size=MAX_PAGE,
        max_page_size=MAX_PAGE,
        hide_suggestions=not introspection,
    )
    extensions: list = [
        lambda: LedgerportMaskErrors(hide_suggestions=not introspection),
        lambda: QueryDepthLimiter(max_depth=8),
        lambda: MaxAliasesLimiter(max_alias_count=15),
        lambda: MaxTokensLimiter(max_token_count=2000),
        guard(budget),
        operation_metrics("portal"),
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return LedgerportSchema(
        query=Query,
        mutation=Mutation,
        subscription=PortalSubscription,
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )
