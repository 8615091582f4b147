"""Invoice and statement PDFs for whoever asks, within what their scope may see.

Two steps, so a download can answer ``304 Not Modified`` without rendering: ``prepare_*`` reads the data
and builds the view model and its ETag (cheap: a few queries); ``render`` turns it into bytes, from the
in-process cache when the same ETag was rendered before. ``invoice_pdf``/``statement_pdf`` do both.

The scope does the access control: a staff scope sees its tenant, a contact scope (``customer_ids``) only
its own accounts, and anything outside it is ``NotFound``, never "forbidden".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from app.auth.permissions import require
from app.documents import render as renderer
from app.documents import repository, views
from app.documents.cache import rendered
from app.documents.formatting import Formatter
from app.einvoice import service as einvoice_service
from app.einvoice.pdf import facturx_pdf
from app.errors import NotFound, ValidationFailed
from app.inputs.choices import choice
from app.inputs.codes import check_currency
from app.portal import links
from app.receivables import customer_figures
from app.scope import Scope
from app.settings import get_settings
from app.tenancy.branding import brand_of
from app.tenancy.registry import TenantFile, TenantRegistry


class StatementKind(StrEnum):
    ACTIVITY = "activity"
    OPEN_ITEM = "open_item"


@dataclass(frozen=True)
class PreparedDocument:
    tenant_id: int
    template: str
    view: views.InvoiceView | views.StatementView
    filename: str
    etag: str
    # Factur-X tenants: the EN 16931 data the PDF/A-3 embeds as XML (``app.einvoice``), and the locale.
    einvoice: dict | None = None
    lang: str = "en"


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    etag: str
    from_cache: bool = False


@lru_cache(maxsize=1)
def _default_registry() -> TenantRegistry:
    return TenantRegistry.load(get_settings().tenants_dir)


def _tenant(scope: Scope, tenants: TenantRegistry | None) -> TenantFile:
    return (tenants or _default_registry()).require(scope.tenant_slug)


def tenant_file(scope: Scope, tenants: TenantRegistry | None = None) -> TenantFile:
    """The caller's tenant file (its branding and assets), from ``tenants`` or the configured folder."""
    return _tenant(scope, tenants)


def _check_access(scope: Scope) -> None:
    """Staff need ``ar.read``; contacts are limited by their scope's customer ids instead."""
    if not scope.is_contact:
        require(scope, "ar.read")


def safe_filename(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"


def today_for(tenant: TenantFile) -> date:
    """Business dates are dates in the tenant's time zone (architecture.md)."""
    return tenant.config.today()


async def prepare_invoice(
    scope: Scope, invoice_id: int, *, tenants: TenantRegistry | None = None
) -> PreparedDocument:
    _check_access(scope)
    found = await repository.invoice(scope, invoice_id)
    if found is None:
        raise NotFound("no such invoice")
    row, settled, customer = found
    tenant = _tenant(scope, tenants)
    einvoice = None
    if tenant.config.e_invoicing is not None and tenant.config.e_invoicing.format == "factur-x":
        # Checked before anything is rendered: missing mandatory data is an error naming the field.
        einvoice = await einvoice_service.einvoice_data(scope, tenant.config, invoice_id)
    view = views.invoice_view(
        brand_of(tenant),
        Formatter(tenant.config.locale),
        row,
        customer,
        await repository.invoice_lines(scope, invoice_id),
        settled,
        links.invoice(tenant.config, invoice_id),
    )
    prepared = _prepared(scope, "invoice.html", view, safe_filename(row.number) + ".pdf")
    if einvoice is None:
        return prepared
    # The ETag covers the e-invoice's data too (the buyer's country or tax id print only in the XML).
    etag = renderer.fingerprint("invoice.html+factur-x", [view, einvoice])
    lang = tenant.config.locale.split("_")[0]
    return replace(prepared, etag=etag, einvoice=einvoice, lang=lang)


def statement_dates(
    kind: StatementKind, today: date, period_from: date | None, period_to: date | None, as_of: date | None
) -> tuple[date | None, date]:
    """(start, closing date) of a statement: an activity statement defaults to the month to date, an
    open-item statement to today; ``to`` and ``asOf`` mean the same closing date."""
    closing = period_to or as_of or today
    if period_to and as_of and period_to != as_of:
        raise ValidationFailed("give either to or asOf, or the same date for both", field="asOf")
    if kind is StatementKind.OPEN_ITEM:
        return None, closing
    start = period_from or closing.replace(day=1)
    if start > closing:
        raise ValidationFailed("the period starts after it ends", field="from")
    return start, closing


async def figures_as_of(scope: Scope, customer_id: int, as_of: date, edges: list[int], currency: str):
    items = await customer_figures.open_items(scope, customer_id, as_of, currency)
    figures = views.StatementFigures(
        as_of=as_of,
        currency=currency,
        total_open=sum(i.open_amount for i in items),
        unapplied=await customer_figures.unapplied(scope, customer_id, as_of, currency),
        aging=await customer_figures.aging(scope, customer_id, as_of, edges, currency),
    )
    return items, figures


async def prepare_statement(
    scope: Scope,
    customer_id: int,
    kind: StatementKind | str = StatementKind.ACTIVITY,
    period_from: date | None = None,
    period_to: date | None = None,
    as_of: date | None = None,
    currency: str | None = None,
    *,
    tenants: TenantRegistry | None = None,
) -> PreparedDocument:
    """A statement in one currency: ``currency`` defaults to the customer's own."""
    _check_access(scope)
    kind = choice(kind, StatementKind, "kind")
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("no such customer")
    tenant = _tenant(scope, tenants)
    start, closing = statement_dates(kind, today_for(tenant), period_from, period_to, as_of)
    edges = list(tenant.config.aging.buckets)
    currency = check_currency(currency or customer.currency)
    items, figures = await figures_as_of(scope, customer_id, closing, edges, currency)
    common = (brand_of(tenant), Formatter(tenant.config.locale), customer)
    link = links.statements(tenant.config, customer_id)
    if kind is StatementKind.OPEN_ITEM:
        view = views.open_item_statement_view(*common, items, figures, edges, link)
    else:
        opening = await customer_figures.net_balances(scope, start - timedelta(days=1), [customer_id])
        activity = await repository.activity(scope, customer_id, start, closing, currency)
        view = views.activity_statement_view(
            *common, start, opening.get((customer_id, currency), 0), activity, figures, edges, link
        )
    suffix = "" if currency == customer.currency else f"-{currency}"
    filename = f"statement-{safe_filename(customer.account_number)}-{closing.isoformat()}{suffix}.pdf"
    return _prepared(scope, "statement.html", view, filename)


def _prepared(scope: Scope, template: str, view, filename: str) -> PreparedDocument:
    return PreparedDocument(scope.tenant_id, template, view, filename, renderer.fingerprint(template, view))


async def render(prepared: PreparedDocument) -> Document:
    """The PDF of a prepared document, from the cache when this exact data was rendered before."""
    cached = rendered.get(prepared.tenant_id, prepared.etag)
    if cached is not None:
        return Document(cached, prepared.filename, prepared.etag, from_cache=True)
    if prepared.einvoice is not None:
        content = await renderer.render_in_thread(
            facturx_pdf, prepared.template, prepared.view, prepared.einvoice, prepared.lang
        )
    else:
        content = await renderer.render_pdf_async(prepared.template, prepared.view)
    rendered.put(prepared.tenant_id, prepared.etag, content)
    return Document(content, prepared.filename, prepared.etag)


async def invoice_pdf(scope: Scope, invoice_id: int, *, tenants: TenantRegistry | None = None) -> Document:
    return await render(await prepare_invoice(scope, invoice_id, tenants=tenants))


async def statement_pdf(scope: Scope, customer_id: int, *args, **kwargs) -> Document:
    """The statement PDF; takes the same arguments as ``prepare_statement``."""
    return await render(await prepare_statement(scope, customer_id, *args, **kwargs))
