"""Assembles the portal schema; it shares no types with the staff schema."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from schema.errors import LedgerportMaskErrors
from schema.portal.account import AccountQuery
from schema.portal.invitations import InvitationMutation
from schema.portal.me import MeQuery
from schema.portal.mutations import AccountMutation
from schema.portal.payments import ConfirmPaymentMutation, PaymentMutation
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


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions: list = [
        LedgerportMaskErrors,
        lambda: QueryDepthLimiter(max_depth=8),
        lambda: MaxAliasesLimiter(max_alias_count=15),
        lambda: MaxTokensLimiter(max_token_count=2000),
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
