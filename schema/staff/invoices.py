"""``invoices`` and ``invoice(id)``: open amounts as of a date, what was applied, disputes, and the
predicted pay date with its interval, class and reasons (the learned model in ``app/forecast``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import strawberry
from strawberry.types import Info

from app.documents.urls import invoice_pdf_url
from app.forecast import service as forecast
from app.inputs.text import search_term
from app.invoices import service
from app.invoices.items import OpenItem
from app.receivables.repository import InvoiceOrder
from schema.common.connections import Connection, connection_of, page_of
from schema.common.dataloaders import batch_loader
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.permissions import requires
from schema.staff.customer_detail import DisputeNode, dispute_node
from schema.staff.filters import CustomerFilter, domain_filter
from schema.staff.receivables import rounded

InvoiceOrderBy = strawberry.enum(InvoiceOrder, name="InvoiceOrderBy", description="How to order invoices.")


@strawberry.input(description="Which invoices; customer fields restrict by the invoice's customer.")
class InvoiceFilter(CustomerFilter):
    customer_id: strawberry.ID | None = None
    number: str | None = None
    open_only: bool = False
    overdue_only: bool = False


@strawberry.type(description="A payment allocated to the invoice.")
class Allocation:
    amount: Money
    date: date
    payment_reference: str


@strawberry.type(description="A credit note applied to the invoice.")
class CreditApplied:
    amount: Money
    date: date
    credit_note_number: str


@strawberry.type(description="Why the prediction is what it is: one of the invoice's or customer's features.")
class PayDateReason:
    feature: str = strawberry.field(description="The feature's name (docs/forecast.md lists them).")
    value: float | None = strawberry.field(description="This invoice's value of it; null when unknown.")
    effect_days: float = strawberry.field(
        description="Days later (negative: earlier) than if the feature had its typical value."
    )


@strawberry.type(description="When the invoice will likely be paid, how sure we are, and from what.")
class PayDatePrediction:
    date: date = strawberry.field(description="The median predicted pay date (never before the as-of date).")
    low: date = strawberry.field(description="10% of such invoices are paid by this date.")
    high: date = strawberry.field(description="90% of such invoices are paid by this date.")
    lateness_class: str = strawberry.field(description="on_time, 1_30, 31_60, 61_90 or over_90 days late.")
    confidence: float
    basis: str = strawberry.field(
        description="model (the learned model), or with too little history customer, tenant or due_date."
    )
    expected_days_late: int
    reasons: list[PayDateReason]


@strawberry.type(description="An invoice as of a date.")
class Invoice:
    id: strawberry.ID
    number: str
    status: str
    customer_id: strawberry.ID
    issue_date: date
    due_date: date
    total: Money
    open_amount: Money
    days_past_due: int
    as_of: date
    _item: strawberry.Private[OpenItem]

    @strawberry.field(extensions=requires("ar.read"), description="Where to download the invoice PDF.")
    def pdf_url(self) -> str:
        return invoice_pdf_url(self._item.invoice_id)

    def _applied(self, info: Info):
        as_of = self.as_of
        return batch_loader(
            info,
            f"AppliedByInvoiceLoader:{as_of}",
            lambda ids: service.applied_to(info.context.scope, ids, as_of),
        )

    @strawberry.field(extensions=requires("ar.read"))
    async def allocations(self, info: Info) -> list[Allocation]:
        applied = await self._applied(info).load(self._item.invoice_id)
        return [
            Allocation(
                amount=Money.of(a.amount, self._item.currency),
                date=a.date,
                payment_reference=a.payment.reference,
            )
            for a in applied.allocations
        ]

    @strawberry.field(extensions=requires("ar.read"))
    async def credit_notes(self, info: Info) -> list[CreditApplied]:
        applied = await self._applied(info).load(self._item.invoice_id)
        return [
            CreditApplied(
                amount=Money.of(c.amount, self._item.currency),
                date=c.date,
                credit_note_number=c.credit_note.number,
            )
            for c in applied.credit_applications
        ]

    @strawberry.field(extensions=requires("ar.read"))
    async def disputes(self, info: Info) -> list[DisputeNode]:
        loader = batch_loader(
            info, "DisputesByInvoiceLoader", lambda ids: service.disputes_of(info.context.scope, ids), []
        )
        return [dispute_node(d) for d in await loader.load(self._item.invoice_id)]

    @strawberry.field(extensions=requires("ar.read"), description="Null once the invoice is settled.")
    async def predicted_pay_date(self, info: Info) -> PayDatePrediction | None:
        as_of = self.as_of

        async def fetch(items: list[OpenItem]) -> dict:
            found = await forecast.predict(info.context.scope, items, as_of, info.context.today())
            return {i: found[i.invoice_id] for i in items}

        p = await batch_loader(info, f"PayDatePredictionByInvoiceLoader:{as_of}", fetch).load(self._item)
        if p is None:
            return None
        return PayDatePrediction(
            date=p.pay_date,
            low=p.low,
            high=p.high,
            lateness_class=p.lateness_class,
            confidence=rounded(p.confidence, 2),
            basis=p.basis,
            expected_days_late=p.days_late,
            reasons=[
                PayDateReason(feature=r.feature, value=r.value, effect_days=r.effect_days) for r in p.reasons
            ],
        )


def invoice_node(item: OpenItem, as_of: date) -> Invoice:
    return Invoice(
        id=strawberry.ID(encode_id("Invoice", item.invoice_id)),
        number=item.number,
        status=item.status,
        customer_id=strawberry.ID(encode_id("Customer", item.customer_id)),
        issue_date=item.issue_date,
        due_date=item.due_date,
        total=Money.of(item.total, item.currency),
        open_amount=Money.of(item.open_amount, item.currency),
        days_past_due=item.days_past_due,
        as_of=as_of,
        _item=item,
    )


@strawberry.type
class InvoicesQuery:
    @strawberry.field(extensions=requires("ar.read"), description="Invoices existing as of a date.")
    async def invoices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        as_of: date | None = None,
        filter: InvoiceFilter | None = None,
        order_by: InvoiceOrderBy = InvoiceOrder.DUE_DATE,
    ) -> Connection[Invoice]:
        ctx = info.context
        page = page_of(first, after, ctx.settings.max_page_size)
        as_of = as_of or ctx.today()
        flt = domain_filter(filter)
        if filter and filter.customer_id:
            flt = replace(flt, customer_ids=frozenset({decode_id("Customer", filter.customer_id)}))
        items, total = await service.list_invoices(
            ctx.scope,
            as_of=as_of,
            flt=flt,
            order=order_by,
            offset=page.offset,
            limit=page.limit,
            open_only=bool(filter and filter.open_only),
            overdue_only=bool(filter and filter.overdue_only),
            number=search_term(filter.number, "number") if filter else None,
        )
        return connection_of(items, page, total, lambda item: invoice_node(item, as_of))

    @strawberry.field(extensions=requires("ar.read"))
    async def invoice(self, info: Info, id: strawberry.ID, as_of: date | None = None) -> Invoice:
        as_of = as_of or info.context.today()
        item = await service.get_invoice(info.context.scope, decode_id("Invoice", id), as_of)
        return invoice_node(item, as_of)
