"""The id of the request being served, for logs and error answers.

It lives here, below every layer, so the GraphQL layer can put it into a masked error and the web layer
into an error response without either importing the other.
"""

from __future__ import annotations

from contextvars import ContextVar

#: "-" outside a request (start-up, background jobs).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    return request_id_var.get()
