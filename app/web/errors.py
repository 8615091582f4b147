"""Error answers of the HTTP edge, one shape everywhere: a message, a stable code and the request id.

``{"errors": [{"message": ..., "extensions": {"code": ..., "request_id": ...}}]}`` is the shape of a
GraphQL error, so a client of ``/graphql`` reads a refused request (401, 413, 429, a malformed body) the
same way as an error from the schema, and quotes the request id to support, who find it in the logs.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.request_id import current_request_id

#: Codes for the HTTP errors Starlette and Strawberry raise themselves.
STATUS_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


def error_body(code: str, message: str, field: str | None = None) -> dict:
    extensions = {"code": code, "request_id": current_request_id()}
    if field:
        # The query parameter or form field refused (app.inputs), as userErrors name theirs.
        extensions["field"] = field
    return {"errors": [{"message": message, "extensions": extensions}]}


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    field: str | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


def body_too_large(limit: int | None) -> JSONResponse:
    bound = f" ({limit:,} bytes)" if limit else ""
    return error_response(
        413, "body_too_large", f"The request body is larger than this address accepts{bound}."
    )


def http_error_response(exc: HTTPException) -> Response:
    """Starlette's and Strawberry's ``HTTPException`` (no route, wrong method, body too large) as JSON."""
    if exc.status_code == 413:
        return body_too_large(None)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    code = STATUS_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """The app's handler for ``HTTPException``."""
    assert isinstance(exc, HTTPException)
    return http_error_response(exc)


async def server_error(request: Request, exc: Exception) -> Response:
    """The last resort: anything unexpected is a 500 that says only which request it was (logged)."""
    return error_response(500, "internal_error", "Unexpected error.")
