"""CSV exports for staff: ``/exports/aging.csv`` and ``/exports/customers.csv``.

Same credentials, access rules and filters as the GraphQL API (query parameters ``asOf``, ``search``,
``region``, ``segment``, ``country``, ``riskRating``, ``salesOwner``, ``kycStatus``, ``currency``). Rows are
streamed a page of customers at a time, so an export of every customer never sits in memory. The first
page is computed before the response starts, so an error (a missing FX rate, a bad date) is a clean 4xx.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import date

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from app.customers import service as customers
from app.customers.filters import CustomerFilter
from app.customers.service import CustomerBalances, CustomerListItem
from app.errors import AuthenticationError, LedgerportError
from app.inputs.dates import parse_date
from app.inputs.filters import FIELDS as FILTER_FIELDS
from app.inputs.filters import customer_filter
from app.money import format_decimal_string
from app.receivables.buckets import buckets_from_edges
from app.tenancy.config import TenantConfig
from app.web import credentials
from app.web.errors import error_response
from app.web.graphql import unauthorized

PAGE = 500


def _filter(request: Request) -> CustomerFilter:
    """The filter of the query string, checked like GraphQL's ``CustomerFilter`` (``riskRating=Z`` is a
    400 naming A-E, not an export of every customer)."""
    return customer_filter({name: request.query_params.get(name) for name in FILTER_FIELDS})


def _as_of(request: Request, config: TenantConfig) -> date:
    raw = request.query_params.get("asOf")
    if not raw:
        return config.today()
    return parse_date(raw, "asOf")


Row = Callable[[CustomerListItem, CustomerBalances, str], list[str]]


def _aging_header(config: TenantConfig) -> list[str]:
    labels = [b.label for b in buckets_from_edges(config.aging.buckets)]
    return [
        "account_number",
        "name",
        "region",
        "segment",
        "country",
        "currency",
        *labels,
        "total_open",
        "unapplied",
        "net_balance",
    ]


def _aging_row(item: CustomerListItem, b: CustomerBalances, base: str) -> list[str]:
    c, t = item.customer, b.balances.base
    money = [format_decimal_string(x.amount, base) for x in t.aging]
    totals = [format_decimal_string(v, base) for v in (t.total_open, t.unapplied, t.net_balance)]
    return [c.account_number, c.legal_name, c.region, c.segment, c.country, base, *money, *totals]


CUSTOMER_HEADER = [
    "account_number",
    "name",
    "region",
    "segment",
    "country",
    "risk_rating",
    "kyc_status",
    "sales_owner",
    "currency",
    "credit_limit",
    "net_balance",
    "overdue",
    "exposure",
    "utilisation",
    "priority_score",
]


def _customer_row(item: CustomerListItem, b: CustomerBalances, base: str) -> list[str]:
    c, t = item.customer, b.balances.base
    limit = "" if b.credit_limit is None else format_decimal_string(b.credit_limit, base)
    utilisation = "" if b.utilisation is None else f"{b.utilisation:.4f}"
    return [
        c.account_number,
        c.legal_name,
        c.region,
        c.segment,
        c.country,
        str(c.risk_rating),
        str(c.kyc_status),
        c.sales_owner,
        base,
        limit,
        format_decimal_string(t.net_balance, base),
        format_decimal_string(t.overdue, base),
        format_decimal_string(b.exposure, base),
        utilisation,
        str(item.priority.score),
    ]


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _export(name: str, header: Callable[[TenantConfig], list[str]], row: Row):
    async def endpoint(request: Request) -> Response:
        state = request.app.state
        tenants = state.tenants
        try:
            scope = await credentials.staff_scope(request, state.settings, tenants, state.providers)
        except AuthenticationError as exc:
            return unauthorized(exc.message, exc.code)
        config = tenants.require(scope.tenant_slug).config
        try:
            as_of = _as_of(request, config)
            flt = _filter(request)
            first_page = await _page(scope, config, as_of, flt, 0)
        except LedgerportError as exc:
            status = 403 if exc.code == "forbidden" else 400
            return error_response(status, exc.code, exc.message, field=exc.field)

        async def lines() -> AsyncIterator[str]:
            yield _csv_line(header(config))
            page, offset = first_page, 0
            while page:
                for item, balances in page:
                    yield _csv_line(row(item, balances, config.base_currency))
                offset += len(page)
                page = await _page(scope, config, as_of, flt, offset) if len(page) == PAGE else []

        filename = f"{name}-{scope.tenant_slug}-{as_of.isoformat()}.csv"
        return StreamingResponse(
            lines(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return endpoint


async def _page(scope, config: TenantConfig, as_of: date, flt: CustomerFilter, offset: int):
    items, _ = await customers.list_customers(scope, config, as_of=as_of, flt=flt, offset=offset, limit=PAGE)
    balances = await customers.balances_for(scope, config, [i.customer for i in items], as_of)
    return [(item, balances[item.customer.id]) for item in items]


def _customers_header(config: TenantConfig) -> list[str]:
    return CUSTOMER_HEADER


ROUTES = [
    Route("/exports/aging.csv", _export("aging", _aging_header, _aging_row), methods=["GET"]),
    Route("/exports/customers.csv", _export("customers", _customers_header, _customer_row), methods=["GET"]),
]
