"""Refusals before a GraphQL document is validated or run, and validation without suggestions.

Validation itself can be made slow (it expands fragments), so what is cheap to check about a document
is checked first, each refusal with ``extensions.code`` (docs/limits.md):

- ``operation_name_required``: a document with several operations must say which to run (the GraphQL
  spec; Strawberry ran the first one);
- ``string_too_long``: a string literal longer than any text the API takes;
- ``query_too_costly``: the estimated cost (``schema.cost``) over the schema's budget, with both numbers;
- ``invalid_text``: a string in the variables holding what no text field can (a lone surrogate, NUL,
  another control character but tab and line breaks; ``app.inputs.text``), which the database driver
  could not store (a 500); the same in a string literal, where an escape (``"\\u0000"``) writes one.

Then the extension runs graphql-core's validation itself, with the rules every other extension added,
so it can leave out "Did you mean ...?" suggestions where introspection is off: they named fields and
types of a schema that is otherwise not disclosed.

Validation is a pure function of the schema and the document's text, and it was a third of what a
small query cost (issue 14), so each schema keeps the texts of the last documents that passed it and
skips validating them again. Only passing, short documents are kept: a refused one is validated (and
refused) every time, and the checks above, which depend on the variables, always run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import GraphQLError, OperationDefinitionNode, StringValueNode, validate, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from app.inputs.text import bad_character
from schema import cost

#: What graphql-core appends to a message to suggest names (fields, types, arguments, enum values).
SUGGESTION = re.compile(r" Did you mean .*\?$", re.DOTALL)


#: Documents remembered as valid per schema, and the longest text remembered (dashboards send a few
#: dozen distinct documents of a few kilobytes each).
VALID_DOCUMENTS = 512
VALID_DOCUMENT_CHARS = 20_000


@dataclass(frozen=True)
class Budget:
    """The limits of one schema."""

    max_cost: int
    default_page_size: int
    max_page_size: int
    max_string_length: int = 10_000
    hide_suggestions: bool = False


def refusal(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class _LongestString(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.longest = 0
        self.bad: str | None = None

    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        self.longest = max(self.longest, len(node.value))
        if self.bad is None:
            self.bad = bad_character(node.value)


def check(document, variables, operation_name: str | None, schema, budget: Budget) -> GraphQLError | None:
    """The first reason to refuse ``document`` before validating it, if any."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > 1 and not operation_name:
        return refusal(
            f"The document has {len(operations)} operations: say which to run in `operationName`.",
            "operation_name_required",
        )
    if isinstance(variables, dict) and (bad := _bad_text(variables, "")) is not None:
        path, what = bad
        return refusal(f"The variable {path} contains {what}, which no text field accepts.", "invalid_text")
    strings = _LongestString()
    visit(document, strings)
    if strings.bad is not None:
        return refusal(
            f"A string in the document contains {strings.bad}, which no text field accepts.", "invalid_text"
        )
    if strings.longest > budget.max_string_length:
        return refusal(
            f"A string in the document has {strings.longest:,} characters; at most "
            f"{budget.max_string_length:,} are accepted (send data in variables).",
            "string_too_long",
        )
    estimated = cost.estimate(
        schema,
        document,
        variables if isinstance(variables, dict) else None,
        default_page_size=budget.default_page_size,
        max_page_size=budget.max_page_size,
    )
    if estimated > budget.max_cost:
        shown = f"more than {cost.CAP:,}" if estimated >= cost.CAP else f"{estimated:,}"
        return refusal(
            f"This query is too costly: its estimated cost is {shown}, the budget is {budget.max_cost:,} "
            "(fields after fragment expansion, lists counted by their page size). Ask for fewer fields "
            "or smaller pages.",
            "query_too_costly",
        )
    return None


def _bad_text(value: object, path: str, depth: int = 0) -> tuple[str, str] | None:
    """The first string under ``value`` (keys too) with a character no text field holds, and where.
    JSON nesting is bounded by the body parser; ``depth`` stops a pathological structure anyway."""
    if isinstance(value, str):
        what = bad_character(value)
        return None if what is None else (path or "$", what)
    if depth > 64:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            shown = str(key).encode("ascii", "backslashreplace").decode()
            where = f"{path}.{shown}" if path else f"${shown}"
            if isinstance(key, str) and (what := bad_character(key)) is not None:
                return where, what
            if (found := _bad_text(item, where, depth + 1)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _bad_text(item, f"{path}[{index}]", depth + 1)) is not None:
                return found
    return None


def without_suggestion(error: GraphQLError) -> GraphQLError:
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def guard(budget: Budget):
    """A factory for the schema's extension list (Strawberry builds one extension per request). The
    documents found valid are remembered here, so per schema built: its rules are fixed with it."""
    valid: LRUCache[str, bool] = LRUCache(VALID_DOCUMENTS)

    class RequestGuard(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None and context.pre_execution_errors is None:
                schema = context.schema._schema
                # What the client sent, not Strawberry's fallback to the first operation's name.
                asked = context._provided_operation_name
                refused = check(document, context.variables, asked, schema, budget)
                if refused is not None:
                    context.pre_execution_errors = [refused]
                elif context.query in valid:
                    context.pre_execution_errors = []
                else:
                    rules = (*context.validation_rules, MaybeNullValidationRule, OneOfInputValidationRule)
                    errors = validate(schema, document, rules, hide_suggestions=budget.hide_suggestions)
                    context.pre_execution_errors = errors
                    if not errors and context.query and len(context.query) <= VALID_DOCUMENT_CHARS:
                        valid[context.query] = True
            yield

    return RequestGuard
