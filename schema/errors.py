"""How errors leave the GraphQL layer.

Expected failures of a mutation are ``userErrors`` in its payload. Errors raised from a resolver that are
``LedgerportError`` (permission denied, not found) keep their message and get ``extensions.code``;
anything else is masked as "Unexpected error." and logged with the request id, so stack traces and other
tenants' data never reach a client.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from app.errors import LedgerportError

log = logging.getLogger("ledgerport.graphql")


@strawberry.type(description="A problem with the input of a mutation: which field, a stable code, a message.")
class UserError:
    field: list[str] | None
    code: str
    message: str


def user_errors_from(exc: LedgerportError) -> list[UserError]:
    problems = getattr(exc, "problems", None)
    if problems:
        return [
            UserError(field=list(p.field_path) if p.field_path else None, code=p.code, message=p.message)
            for p in problems
        ]
    return [UserError(field=[exc.field] if exc.field else None, code=exc.code, message=exc.message)]


class LedgerportMaskErrors(MaskErrors):
    """Keep user-facing errors (with a code), mask everything else."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Unexpected error.")

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        original = error.original_error
        # A GraphQLError raised on purpose (the permission extension's "forbidden") is meant for the client.
        return original is not None and not isinstance(original, LedgerportError | GraphQLError)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if isinstance(original, LedgerportError):
                out.append(
                    GraphQLError(
                        original.message,
                        nodes=error.nodes,
                        source=error.source,
                        positions=error.positions,
                        path=error.path,
                        extensions={"code": original.code},
                    )
                )
            elif self._should_mask(error):
                log.error("unexpected error in GraphQL resolver", exc_info=original)
                out.append(self.anonymise_error(error))
            else:
                out.append(error)
        return out
