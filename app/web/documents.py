"""Document downloads: invoice and statement PDFs with ETag, 304 and a file name; the files staff attach
to KYC reviews and credit limit requests (``/documents/credit/{id}``, staff only, by role).

Who may download is the caller's scope: staff by API token, provider JWT or staff session, contacts by
their portal session (401 like /graphql without any). The documents service limits a contact scope to its
``customer_ids``, so a contact gets the same routes for its own accounts only. Another tenant's document,
or another customer's for a contact, is 404, exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.credit import documents as credit_documents
from app.documents import dunning_letter, service
from app.documents.urls import document_id
from app.einvoice import service as einvoice
from app.einvoice.data import EInvoiceIncomplete
from app.errors import AuthenticationError, LedgerportError, NotFound, PermissionDenied, ValidationFailed
from app.inputs.dates import parse_date
from app.scope import Scope
from app.web import credentials
from app.web.errors import error_response
from app.web.graphql import unauthorized

#: Browsers and proxies may keep a copy but must revalidate it: the data behind a document can change.
CACHE_CONTROL = "private, no-cache"


async def caller_scope(request: Request) -> Scope:
    """The scope of whoever is downloading."""
    state = request.app.state
    return await credentials.request_scope(request, state.settings, state.tenants, state.providers)


def _etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates or "*" in candidates


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    return parse_date(raw, name) if raw else None


def _refusal(exc: LedgerportError) -> Response:
    """Not found (another tenant's, too) 404; missing e-invoice data 422; bad input 400; role 403."""
    if isinstance(exc, NotFound):
        return error_response(404, "not_found", "Not found.")
    if isinstance(exc, EInvoiceIncomplete):
        return error_response(422, exc.code, exc.message, field=exc.field)
    if isinstance(exc, ValidationFailed):
        return error_response(400, exc.code, exc.message, field=exc.field)
    return error_response(403, exc.code, exc.message)


async def _download(request: Request, prepare) -> Response:
    try:
        scope = await caller_scope(request)
    except AuthenticationError as exc:
        return unauthorized(exc.message, exc.code)
    try:
        prepared = await prepare(scope)
    except (NotFound, ValidationFailed, PermissionDenied) as exc:
        return _refusal(exc)
    etag = f'"{prepared.etag}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    document = await service.render(prepared)
    name = document.filename
    headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return Response(document.content, media_type="application/pdf", headers=headers)


async def invoice_pdf(request: Request) -> Response:
    async def prepare(scope: Scope):
        invoice_id = document_id(request.path_params["id"], "Invoice")
        return await service.prepare_invoice(scope, invoice_id, tenants=request.app.state.tenants)

    return await _download(request, prepare)


async def statement_pdf(request: Request) -> Response:
    async def prepare(scope: Scope):
        customer_id = document_id(request.path_params["id"], "Customer")
        return await service.prepare_statement(
            scope,
            customer_id,
            request.query_params.get("kind", service.StatementKind.ACTIVITY),
            _date_param(request, "from"),
            _date_param(request, "to"),
            _date_param(request, "asOf"),
            request.query_params.get("currency") or None,
            tenants=request.app.state.tenants,
        )

    return await _download(request, prepare)


async def dunning_letter_pdf(request: Request) -> Response:
    async def prepare(scope: Scope):
        message_id = document_id(request.path_params["id"], "DunningMessage")
        return await dunning_letter.prepare_message_letter(
            scope, message_id, tenants=request.app.state.tenants
        )

    return await _download(request, prepare)


async def dunning_letters_pdf(request: Request) -> Response:
    """The print file of dunning letters: ``?id=...`` repeated names them, else the oldest queued."""
    try:
        scope = await caller_scope(request)
    except AuthenticationError as exc:
        return unauthorized(exc.message, exc.code)
    try:
        raw = request.query_params.getlist("id")
        ids = [document_id(i, "DunningMessage") for i in raw] if raw else None
        document = await dunning_letter.print_file(scope, ids, tenants=request.app.state.tenants)
    except (NotFound, ValidationFailed, PermissionDenied) as exc:
        return _refusal(exc)
    return _attachment(document.content, "application/pdf", document.filename)


def _attachment(content: bytes, media_type: str, name: str) -> Response:
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
    }
    return Response(content, media_type=media_type, headers=headers)


async def invoice_xml(request: Request) -> Response:
    """The invoice's e-invoice XML alone (CII for Factur-X tenants, UBL for XRechnung ones)."""
    try:
        scope = await caller_scope(request)
    except AuthenticationError as exc:
        return unauthorized(exc.message, exc.code)
    try:
        invoice_id = document_id(request.path_params["id"], "Invoice")
        config = request.app.state.tenants.require(scope.tenant_slug).config
        document = await einvoice.invoice_xml(scope, config, invoice_id)
    except (NotFound, ValidationFailed, PermissionDenied) as exc:
        return _refusal(exc)
    return _attachment(document.content, "application/xml", document.filename)


async def credit_document(request: Request) -> Response:
    """A KYC or credit limit document as uploaded (its stored type, ``nosniff``: never rendered as a page)."""
    try:
        scope = await caller_scope(request)
    except AuthenticationError as exc:
        return unauthorized(exc.message, exc.code)
    try:
        row = await credit_documents.download(scope, document_id(request.path_params["id"], "CreditDocument"))
    except (NotFound, ValidationFailed, PermissionDenied) as exc:
        return _refusal(exc)
    response = _attachment(bytes(row.content), row.content_type, row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


routes = [
    Route("/documents/invoices/{id}.pdf", invoice_pdf, methods=["GET"]),
    Route("/documents/invoices/{id}.xml", invoice_xml, methods=["GET"]),
    Route("/documents/statements/{id}.pdf", statement_pdf, methods=["GET"]),
    Route("/documents/dunning/{id}.pdf", dunning_letter_pdf, methods=["GET"]),
    Route("/documents/dunning-letters.pdf", dunning_letters_pdf, methods=["GET"]),
    Route("/documents/credit/{id}", credit_document, methods=["GET"]),
]
