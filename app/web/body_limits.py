"""How large a request body each route accepts (docs/limits.md); over it the answer is a JSON 413.

Without a bound, one client could make the server buffer any amount (a 20 MB GraphQL body was
accepted). Each route gets what its real use needs, in one table here: GraphQL documents and their
variables, form posts, uploads of support attachments (derived from the tenants' own attachment limits,
so a tenant file that allows larger files gets a matching bound), Stripe's events. A declared
``Content-Length`` over the bound is refused before anything is read; a chunked body is counted as it
arrives and refused the moment it passes the bound.

(Starlette's own ``max_body_size`` answers in plain text and replaces any answer to a request whose
declared length is over it; this middleware answers like every other error of the edge, app.web.errors.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.tenancy.registry import TenantRegistry
from app.web.errors import body_too_large

KIB = 1024
MIB = 1024 * KIB

#: Every route without its own bound: form posts with text fields only (sign-out, billing details).
DEFAULT = 64 * KIB
#: Staff GraphQL: documents are small, but ``importBatch`` carries an ERP batch in its variables.
#: Larger batches go through ``ledgerport import`` (docs/ingest.md).
STAFF_GRAPHQL = 4 * MIB
#: Stripe's events are a few kilobytes; this leaves room for large metadata.
STRIPE_WEBHOOK = 512 * KIB
#: What an upload carries besides its files: the message, the other fields, multipart framing.
UPLOAD_OVERHEAD = 64 * KIB


def attachments_allowance(tenants: TenantRegistry) -> int:
    """The most any tenant lets a contact attach to one request (files x size), in bytes."""
    return max(
        (t.config.support.attachment_max_files * t.config.support.attachment_max_bytes for t in tenants),
        default=0,
    )


def upload_form(tenants: TenantRegistry) -> int:
    """A portal form that carries attachments (multipart)."""
    return attachments_allowance(tenants) + UPLOAD_OVERHEAD


def portal_graphql(tenants: TenantRegistry) -> int:
    """Portal GraphQL takes attachments base64-encoded in JSON: 4 bytes for every 3."""
    return attachments_allowance(tenants) * 4 // 3 + UPLOAD_OVERHEAD


@dataclass(frozen=True)
class BodyLimits:
    """The bound of each route (the first pattern matching its whole path), else ``default``."""

    rules: tuple[tuple[re.Pattern[str], int], ...]
    default: int = DEFAULT

    def for_path(self, path: str) -> int:
        return next((limit for pattern, limit in self.rules if pattern.fullmatch(path)), self.default)


def limits_for(tenants: TenantRegistry) -> BodyLimits:
    uploads = upload_form(tenants)
    return BodyLimits(
        rules=(
            (re.compile(r"/graphql"), STAFF_GRAPHQL),
            (re.compile(r"/portal/graphql"), portal_graphql(tenants)),
            (re.compile(r"/portal/accounts/[^/]+/support/new"), uploads),
            (re.compile(r"/portal/invoices/[^/]+/ask"), uploads),
            (re.compile(r"/webhooks/stripe/[^/]+"), STRIPE_WEBHOOK),
        )
    )


class BodyTooLarge(Exception):
    """A request body passed the bound of its route while a handler read it (not an HTTPException,
    so nothing between the handler and the middleware answers it first)."""


class BodyLimitMiddleware:
    """Answers a body over its route's bound with 413 ``body_too_large``."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await body_too_large(limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # the answer had begun before the body was read: nothing else to say
                raise
            await body_too_large(limit)(scope, receive, send)
