"""``account(id)``, ``invoice(id)``: a contact's account figures, invoices, payments and statements.

Every id is opaque and decoded through the caller's scope by the services: another customer's or another
tenant's object is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.errors import ValidationFailed
from app.portal import access as portal_access
from app.portal import figures as portal_figures
from app.portal import invoices as portal_invoices
from app.portal import payments as portal_payments
from app.portal import statements as portal_statements
from schema.common import ids
from schema.common.connections import bounded_first, bounded_offset
from schema.common.money import Money

MAX_PAGE = portal_access.MAX_PAGE


@strawberry.enum(description="Which invoices to list.")
class InvoiceStatusFilter(Enum):
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"
    DISPUTED = "disputed"


@strawberry.input(description="Invoices by status, issue date range and a search in number and PO.")
class InvoiceFilter:
    status: InvoiceStatusFilter | None = None
    from_: datetime.date | None = strawberry.field(default=None, name="from")
    to: datetime.date | None = None
    search: str | None = None


@strawberry.type
class AgingBucket:
    label: str
    amount: Money


@strawberry.type
class NextDue:
    date: datetime.date
    amount: Money


@strawberry.type(description="A line of an invoice.")
class InvoiceLine:
    position: int
    description: str
    quantity: str
    unit_price: Money
    amount: Money


@strawberry.type(description="A payment or credit note applied to an invoice.")
class AppliedAmount:
    reference: str
    date: datetime.date
    amount: Money


@strawberry.type(description="An invoice of one of your accounts.")
class PortalInvoice:
    id: strawberry.ID
    number: str
    issue_date: datetime.date
    due_date: datetime.date
    po_number: str
    total: Money
    open_amount: Money
    status: str = strawberry.field(description="open, overdue, paid or disputed")
    pdf_url: str
    _pk: strawberry.Private[int]
    _currency: strawberry.Private[str]

    async def _detail(self, info: Info) -> InvoiceDetail:
        """The lines, payments and credits, read once per request however many of them are asked for."""
        key = f"invoice-detail:{self._pk}"
        if key not in info.context.loaders:
            info.context.loaders[key] = detail_of(await portal_invoices.invoice(info.context.scope, self._pk))
        return info.context.loaders[key]

    @strawberry.field
    async def lines(self, info: Info) -> list[InvoiceLine]:
        return (await self._detail(info)).lines

    @strawberry.field(description="Payments allocated to this invoice.")
    async def payments(self, info: Info) -> list[AppliedAmount]:
        return (await self._detail(info)).payments

    @strawberry.field(description="Credit notes applied to this invoice.")
    async def credits(self, info: Info) -> list[AppliedAmount]:
        return (await self._detail(info)).credits

    @strawberry.field(description="The amount held in open disputes.")
    async def disputed_amount(self, info: Info) -> Money:
        return (await self._detail(info)).disputed_amount


@dataclass
class InvoiceDetail:
    lines: list[InvoiceLine]
    payments: list[AppliedAmount]
    credits: list[AppliedAmount]
    disputed_amount: Money


@strawberry.type
class InvoiceEdge:
    node: PortalInvoice
    cursor: str


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class InvoiceConnection:
    edges: list[InvoiceEdge]
    page_info: PageInfo


@strawberry.type
class PaymentAllocation:
    invoice_id: strawberry.ID
    invoice_number: str
    amount: Money
    date: datetime.date


@strawberry.type(description="A payment received from the account, with the invoices it paid.")
class PortalPayment:
    id: strawberry.ID
    received_date: datetime.date
    amount: Money
    method: str
    reference: str
    allocations: list[PaymentAllocation]
    receipt_url: str = strawberry.field(description="The payment's receipt page in the portal.")


@strawberry.type(description="A statement period and where to download its PDF.")
class StatementPeriod:
    label: str
    period_from: datetime.date
    period_to: datetime.date
    pdf_url: str


def _status(summary, today: datetime.date) -> str:
    if summary.disputed:
        return "disputed"
    if summary.open_amount <= 0:
        return "paid"
    return "overdue" if summary.due_date < today else "open"


def invoice_of(summary, today: datetime.date) -> PortalInvoice:
    from app.documents.urls import invoice_pdf_url

    c = summary.currency
    return PortalInvoice(
        id=strawberry.ID(ids.encode_id("Invoice", summary.id)),
        number=summary.number,
        issue_date=summary.issue_date,
        due_date=summary.due_date,
        po_number=summary.po_number,
        total=Money.of(summary.total, c),
        open_amount=Money.of(summary.open_amount, c),
        status=_status(summary, today),
        pdf_url=invoice_pdf_url(summary.id),
        _pk=summary.id,
        _currency=c,
    )


def detail_of(detail) -> InvoiceDetail:
    c = detail.summary.currency

    def applied(rows):
        return [AppliedAmount(reference=r.reference, date=r.date, amount=Money.of(r.amount, c)) for r in rows]

    return InvoiceDetail(
        lines=[
            InvoiceLine(
                position=line.position,
                description=line.description,
                quantity=str(line.quantity),
                unit_price=Money.of(line.unit_price, c),
                amount=Money.of(line.amount, c),
            )
            for line in detail.lines
        ],
        payments=applied(detail.payments),
        credits=applied(detail.credits),
        disputed_amount=Money.of(detail.disputed_amount, c),
    )


@strawberry.type(description="One of your customer accounts with its figures as of today.")
class AccountView:
    id: strawberry.ID
    name: str
    account_number: str
    currency_code: str
    as_of: datetime.date
    balance: Money
    overdue: Money
    total_open: Money
    unapplied_credit: Money
    next_due: NextDue | None
    aging: list[AgingBucket]
    open_disputes: int
    disputed_amount: Money
    _pk: strawberry.Private[int]

    @strawberry.field(description="Invoices, newest first.")
    async def invoices(
        self, info: Info, first: int = 20, after: str | None = None, filter: InvoiceFilter | None = None
    ) -> InvoiceConnection:
        if not 0 < first <= MAX_PAGE:
            raise ValidationFailed(f"first must be between 1 and {MAX_PAGE}", field="first", code="page_size")
        context = info.context
        tenant = context.tenants.require(context.scope.tenant_slug).config
        f = filter or InvoiceFilter()
        flt = portal_invoices.invoice_filter(f.status.value if f.status else None, f.from_, f.to, f.search)
        rows, more = await portal_invoices.invoices(
            context.scope, self._pk, tenant, flt, first, portal_invoices.parse_invoice_cursor(after)
        )
        today = portal_access.today_in(tenant)
        edges = [
            InvoiceEdge(node=invoice_of(r, today), cursor=portal_invoices.invoice_cursor(r)) for r in rows
        ]
        return InvoiceConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
        )

    @strawberry.field(description="Payments received, newest first, with their allocations.")
    async def payments(self, info: Info, first: int = 20, offset: int = 0) -> list[PortalPayment]:
        first, offset = bounded_first(first, MAX_PAGE, minimum=1), bounded_offset(offset)
        rows = await portal_payments.payments(info.context.scope, self._pk, first, offset)
        return [
            PortalPayment(
                id=strawberry.ID(ids.encode_id("Payment", p.id)),
                received_date=p.received_date,
                amount=Money.of(p.amount, p.currency),
                method=p.method,
                reference=p.reference,
                receipt_url=f"/portal/payments/{ids.encode_id('Payment', p.id)}",
                allocations=[
                    PaymentAllocation(
                        invoice_id=strawberry.ID(ids.encode_id("Invoice", a["invoice_id"])),
                        invoice_number=a["invoice__number"],
                        amount=Money.of(a["amount"], p.currency),
                        date=a["date"],
                    )
                    for a in p.allocations
                ],
            )
            for p in rows
        ]

    @strawberry.field(
        description="The default period (from the start of the previous month, or of the account's "
        "activity, to today), then each complete month with activity, newest first; or the one period "
        "asked for with from and to."
    )
    async def statements(
        self,
        info: Info,
        from_: Annotated[datetime.date | None, strawberry.argument(name="from")] = None,
        to: datetime.date | None = None,
    ) -> list[StatementPeriod]:
        context = info.context
        if from_ or to:
            if not (from_ and to):
                raise ValidationFailed("give both from and to", field="from")
            periods = [await portal_statements.custom_statement(context.scope, self._pk, from_, to)]
        else:
            tenant = context.tenants.require(context.scope.tenant_slug).config
            choice = await portal_statements.statements(context.scope, self._pk, tenant)
            periods = [choice.default, *choice.months]
        return [
            StatementPeriod(
                label=p.label, period_from=p.period_from, period_to=p.period_to, pdf_url=p.pdf_url
            )
            for p in periods
        ]


def account_view(figures) -> AccountView:
    c = figures.currency
    return AccountView(
        id=strawberry.ID(ids.encode_id("Account", figures.customer_id)),
        name=figures.name,
        account_number=figures.account_number,
        currency_code=c,
        as_of=figures.as_of,
        balance=Money.of(figures.balance, c),
        overdue=Money.of(figures.overdue, c),
        total_open=Money.of(figures.total_open, c),
        unapplied_credit=Money.of(figures.unapplied, c),
        next_due=NextDue(date=figures.next_due_date, amount=Money.of(figures.next_due_amount, c))
        if figures.next_due_date
        else None,
        aging=[AgingBucket(label=b.label, amount=Money.of(b.amount, c)) for b in figures.aging],
        open_disputes=figures.open_disputes,
        disputed_amount=Money.of(figures.disputed_amount, c),
        _pk=figures.customer_id,
    )


@strawberry.type
class AccountQuery:
    @strawberry.field(description="One of your accounts with its figures; another account is not found.")
    async def account(self, info: Info, id: strawberry.ID) -> AccountView:
        context = info.context
        tenant = context.tenants.require(context.scope.tenant_slug).config
        figures = await portal_figures.account_figures(
            context.scope, ids.decode_id("Account", str(id)), tenant
        )
        return account_view(figures)

    @strawberry.field(description="One invoice of your accounts, with lines, payments and credits.")
    async def invoice(self, info: Info, id: strawberry.ID) -> PortalInvoice:
        context = info.context
        detail = await portal_invoices.invoice(context.scope, ids.decode_id("Invoice", str(id)))
        tenant = context.tenants.require(context.scope.tenant_slug).config
        return invoice_of(detail.summary, portal_access.today_in(tenant))
