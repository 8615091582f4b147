"""Staff exports: every table as CSV and as XLSX (``/exports/{aging,customers,invoices,payments}.{csv,xlsx}``)
and the management pack (``/exports/management-pack.{xlsx,pdf}``).

Same credentials, access rules and filters as the GraphQL API: ``asOf`` and the customer filter
(``search``, ``region``, ``segment``, ``country``, ``riskRating``, ``salesOwner``, ``kycStatus``,
``currency``) everywhere; invoices also take ``customerId``, ``number``, ``openOnly``, ``overdueOnly`` (the
``InvoiceFilter``), payments ``customerId``, ``status``, ``receivedFrom``, ``receivedTo`` (the
``PaymentFilter``). The services check the role. The first chunk of rows is read before the response
starts, so an error (a missing FX rate, a bad date, a role without ``ar.read``) is a clean 4xx; rows are
read a chunk at a time after that (``app.reports.tables``), so no export holds all its rows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from app.db import replica
from app.documents.urls import document_id
from app.errors import AuthenticationError, LedgerportError, NotFound, ValidationFailed
from app.inputs.choices import choice
from app.inputs.dates import parse_date
from app.inputs.filters import FIELDS as FILTER_FIELDS
from app.inputs.filters import customer_filter
from app.inputs.text import search_term
from app.models.enums import PaymentStatus
from app.payments.service import PaymentFilter
from app.reports import pack, writers, xlsx
from app.reports.tables import TABLES, Query, Table
from app.tenancy.config import TenantConfig
from app.web import credentials
from app.web.errors import error_response
from app.web.graphql import unauthorized

CSV_TYPE = "text/csv; charset=utf-8"


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    return parse_date(raw, name) if raw else None


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise ValidationFailed(f"{name} must be true or false", field=name, code="invalid_choice")


def _customer_id(request: Request) -> int | None:
    raw = request.query_params.get("customerId")
    if not raw:
        return None
    try:
        return document_id(raw, "Customer")
    except NotFound:
        raise ValidationFailed("not a customer id", field="customerId", code="invalid_id") from None


def query_of(request: Request, config: TenantConfig) -> Query:
    """The export's as-of date and filters, checked like the GraphQL inputs they mirror."""
    params = request.query_params
    flt = customer_filter({name: params.get(name) for name in FILTER_FIELDS})
    customer_id = _customer_id(request)
    if customer_id is not None:
        flt = replace(flt, customer_ids=frozenset({customer_id}))
    status = params.get("status")
    return Query(
        as_of=_date(request, "asOf") or config.today(),
        customers=flt,
        open_only=_flag(request, "openOnly"),
        overdue_only=_flag(request, "overdueOnly"),
        number=search_term(params.get("number"), "number"),
        payments=PaymentFilter(
            customer_id=customer_id,
            status=choice(status, PaymentStatus, "status") if status else None,
            received_from=_date(request, "receivedFrom"),
            received_to=_date(request, "receivedTo"),
        ),
    )


def _refusal(exc: LedgerportError) -> Response:
    status = 403 if exc.code == "forbidden" else 400
    return error_response(status, exc.code, exc.message, field=exc.field)


async def _caller(request: Request):
    state = request.app.state
    scope = await credentials.staff_scope(request, state.settings, state.tenants, state.providers)
    return scope, state.tenants.require(scope.tenant_slug).config


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _staff_only(serve):
    """An endpoint for staff: 401 without credentials, ``serve(request, scope, config)`` otherwise, and
    an expected error before the response starts as a clean 4xx."""

    async def endpoint(request: Request) -> Response:
        try:
            scope, config = await _caller(request)
        except AuthenticationError as exc:
            return unauthorized(exc.message, exc.code)
        try:
            return await serve(request, scope, config)
        except LedgerportError as exc:
            return _refusal(exc)

    return endpoint


def _export(table: Table, fmt: str):
    async def serve(request: Request, scope, config) -> Response:
        query = query_of(request, config)
        rows = replica.stream(table.rows(scope, config, query))
        first = await anext(rows, [])  # read before the response starts: errors are still a 4xx
        columns = table.columns(config)
        filename = f"{table.name}-{scope.tenant_slug}-{query.as_of.isoformat()}.{fmt}"
        if fmt == "csv":
            body, media = writers.csv_lines(columns, first, rows), CSV_TYPE
        else:
            body, media = writers.xlsx_bytes(table.name, columns, first, rows), xlsx.MEDIA_TYPE
        return StreamingResponse(body, media_type=media, headers=_attachment(filename))

    return _staff_only(serve)


def _management_pack(fmt: str):
    async def serve(request: Request, scope, config) -> Response:
        as_of = _date(request, "asOf") or config.today()
        built = await pack.build_management_pack(scope, config, as_of, fmt)
        return Response(built.content, media_type=built.media_type, headers=_attachment(built.filename))

    return _staff_only(serve)


ROUTES = [
    Route(f"/exports/{name}.{fmt}", _export(table, fmt), methods=["GET"])
    for name, table in TABLES.items()
    for fmt in ("csv", "xlsx")
] + [
    Route(f"/exports/management-pack.{fmt}", _management_pack(fmt), methods=["GET"])
    for fmt in ("xlsx", "pdf")
]
