"""How errors leave the GraphQL layer.

Expected failures of a mutation are ``userErrors`` in its payload. Errors raised from a resolver that are
``LedgerportError`` (permission denied, not found) keep their message and get ``extensions.code``;
anything else is masked as "Unexpected error." and logged with the request id, so stack traces and other
tenants' data never reach a client; the masked error carries that request id (``extensions.request_id``)
for the client to quote. Where introspection is off, "Did you mean ...?" suggestions are cut from every
message (variable values are checked while executing, after validation had its own suggestions hidden).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from app.errors import LedgerportError
from app.request_id import current_request_id
from schema.common.ids import decode_id
from schema.guard import without_suggestion

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


T = TypeVar("T")


async def act_on_id(
    scope: Any, type_name: str, raw_id: strawberry.ID, action: Callable[[Any, int], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """A mutation that acts on one object by its id (retry a job, resolve an alert): the action's result
    and no errors, or None and the user errors, naming ``id`` when the error names no field."""
    try:
        return await action(scope, decode_id(type_name, raw_id)), []
    except LedgerportError as exc:
        if exc.field is None:
            exc.field = "id"
        return None, user_errors_from(exc)


def is_unexpected(error: GraphQLError) -> bool:
    """A failure of ours (a bug, a lost database), not a refusal meant for the client: those are
    ``LedgerportError`` (not found, forbidden, a bad input) or a ``GraphQLError`` raised on purpose
    (the permission extension's "forbidden"), and graphql-core's own (no such field, a bad variable)."""
    original = error.original_error
    return original is not None and not isinstance(original, LedgerportError | GraphQLError)


class LedgerportSchema(strawberry.Schema):
    """Strawberry's schema, logging as an operator needs it.

    Strawberry logs every error of every request at ERROR with a traceback, so a client's misspelt
    field or an id of another tenant ("not found") read like incidents and buried the real ones. Here
    a refusal is one INFO line with its code, and only an unexpected error is an ERROR, once, with its
    traceback and the request id the client was given to quote (the masking extension answers it as
    "Unexpected error.")."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "unexpected error in GraphQL resolver (request %s)",
                    current_request_id(),
                    exc_info=error.original_error,
                )
            else:
                code = (error.extensions or {}).get("code") or _input_code(error)
                log.info("GraphQL request refused (%s): %s", code or "invalid", error.message)


class LedgerportMaskErrors(MaskErrors):
    """Keep user-facing errors (with a code), mask everything else."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Unexpected error.")
        self.hide_suggestions = hide_suggestions

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "internal_error", "request_id": current_request_id()}
        return masked

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        return is_unexpected(error)

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
                out.append(self.anonymise_error(error))
            else:
                error = with_input_code(error)
                out.append(without_suggestion(error) if self.hide_suggestions else error)
        return out


def _input_code(error: GraphQLError) -> str | None:
    """The code of the input rule under a graphql-core error: a scalar's refusal (``Date``) reaches
    the client wrapped, as "Variable '$asOf' has invalid value: ...", with the rule's error inside."""
    seen = 0
    cause: BaseException | None = error.original_error
    while cause is not None and seen < 5:
        if isinstance(cause, LedgerportError):
            return cause.code
        if isinstance(cause, GraphQLError) and (cause.extensions or {}).get("code"):
            return cause.extensions["code"]
        cause = cause.original_error if isinstance(cause, GraphQLError) else cause.__cause__
        seen += 1
    return None


def with_input_code(error: GraphQLError) -> GraphQLError:
    """``error`` with ``extensions.code`` of the input rule it wraps, when it wraps one."""
    if (error.extensions or {}).get("code"):
        return error
    code = _input_code(error)
    if code is None:
        return error
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )
