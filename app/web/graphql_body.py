"""Reading the body of a GraphQL POST: a JSON object with a ``query``, or a 400 that says what is wrong.

Strawberry's own reading let bodies such as ``"hello"``, ``null``, invalid UTF-8 or JSON nested 100,000
deep through to a 500. Here each is a refusal with a code (docs/limits.md) before any schema work.
Batches (a JSON array) are not served: one request, one operation.
"""

from __future__ import annotations

import json

from strawberry.http import GraphQLRequestData

from app.errors import LedgerportError


class BadRequest(LedgerportError):
    """The body of a GraphQL request is not a GraphQL request."""

    code = "invalid_body"


def _json(body: bytes) -> object:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not UTF-8 text.", code="invalid_body") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise BadRequest("The request body nests JSON too deeply.", code="invalid_json") from None
    except ValueError as exc:
        raise BadRequest(f"The request body is not JSON: {exc}.", code="invalid_json") from None


def parse(body: bytes, content_type: str | None) -> GraphQLRequestData:
    """The GraphQL request in a POST body; ``BadRequest`` for anything else."""
    if "application/json" not in (content_type or "").lower():
        raise BadRequest(
            "Send the GraphQL request as JSON (Content-Type: application/json).",
            code="unsupported_media_type",
        )
    data = _json(body)
    if isinstance(data, list):
        raise BadRequest(
            "Batched requests are not served: send one operation per request.", code="invalid_body"
        )
    if not isinstance(data, dict):
        raise BadRequest(
            'The request body must be a JSON object like {"query": "...", "variables": {...}}.',
            code="invalid_body",
        )
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("The request has no GraphQL query (`query` must be a string).", code="missing_query")
    for name in ("variables", "extensions"):
        if not isinstance(data.get(name), dict | None):
            raise BadRequest(f"`{name}` must be a JSON object or null.", code="invalid_body")
    operation_name = data.get("operationName")
    if not isinstance(operation_name, str | None):
        raise BadRequest("`operationName` must be a string or null.", code="invalid_body")
    return GraphQLRequestData(
        query=query,
        variables=data.get("variables"),
        operation_name=operation_name or None,
        extensions=data.get("extensions"),
    )
