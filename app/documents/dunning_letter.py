"""The dunning letter: the invoices a dunning message is about, with the step's fee and statutory interest.

Built from what the message stored when the run decided it (``DunningMessage.lines`` and ``totals``), not
recomputed, so the letter a customer gets, the email beside it and the run's report always show the same
numbers (the arithmetic is ``app.collections.plan``). Rendered to PDF like every document (WeasyPrint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.auth.permissions import require
from app.collections import letters
from app.documents import pages, repository
from app.documents import render as renderer
from app.documents.formatting import Formatter
from app.documents.service import Document, PreparedDocument, render, safe_filename, tenant_file
from app.documents.views import Party, party_of
from app.errors import NotFound
from app.scope import Scope
from app.tenancy.branding import Brand, brand_of
from app.tenancy.registry import TenantRegistry

TEMPLATE = "dunning_letter.html"


@dataclass(frozen=True)
class LetterLine:
    number: str
    due_date: str
    days_past_due: int
    open_amount: str
    interest: str


@dataclass(frozen=True)
class LetterTotal:
    currency: str
    open_amount: str
    fee: str
    interest: str
    amount: str


@dataclass(frozen=True)
class LetterView:
    brand: Brand
    customer: Party
    title: str
    dated: str
    step: str
    interest_rate: str
    lines: tuple[LetterLine, ...]
    totals: tuple[LetterTotal, ...]
    pay_link: str


def letter_view(
    brand: Brand, fmt: Formatter, customer: Party, *, title: str, dated: date, step: str, rate: str,
    lines: list[dict], totals: list[dict], pay_link: str,
) -> LetterView:  # fmt: skip
    return LetterView(
        brand=brand,
        customer=customer,
        title=title,
        dated=fmt.date(dated),
        step=step,
        interest_rate=rate,
        lines=tuple(
            LetterLine(
                line["number"],
                fmt.date(date.fromisoformat(line["due_date"])),
                line["days_past_due"],
                fmt.money(line["open"], line["currency"]),
                fmt.money(line["interest"], line["currency"]) if line["interest"] else "",
            )
            for line in lines
        ),
        totals=tuple(
            LetterTotal(
                t["currency"],
                fmt.money(t["open"], t["currency"]),
                fmt.money(t["fee"], t["currency"]),
                fmt.money(t["interest"], t["currency"]),
                fmt.money(t["amount"], t["currency"]),
            )
            for t in totals
        ),
        pay_link=pay_link,
    )


async def prepare_message_letter(
    scope: Scope, message_id: int, *, tenants: TenantRegistry | None = None
) -> PreparedDocument:
    """The letter of a stored dunning message, for download (``/documents/dunning/<id>.pdf``): staff with
    ``ar.read``, or a contact of the message's account; anyone else, and another tenant, not found."""
    if not scope.is_contact:
        require(scope, "ar.read")
    message = await repository.dunning_message(scope, message_id)
    if message is None:
        raise NotFound("no such document")
    tenant = tenant_file(scope, tenants)
    policy = tenant.config.dunning.policy(message.policy)
    step = policy.steps[message.step_index] if policy and message.step_index < len(policy.steps) else None
    rate = str(step.interest_rate) if step and step.interest_rate else ""
    return await _prepared_letter(
        scope, message.customer_id, dated=message.sent_on, step=message.step_name, rate=rate,
        lines=message.lines, totals=message.totals, pay_link=message.pay_link, tenants=tenants,
    )  # fmt: skip


async def print_file(
    scope: Scope, ids: list[int] | None, *, tenants: TenantRegistry | None = None
) -> Document:
    """The print queue's letters (or the ``ids`` named) as one PDF, oldest first, each its own pages.
    Staff only: for a contact this file does not exist."""
    if scope.is_contact:
        raise NotFound("no such document")
    messages = await letters.for_print(scope, ids)
    if not messages:
        raise NotFound("no letters are waiting to be printed")
    rendered = [await render(await prepare_message_letter(scope, m.id, tenants=tenants)) for m in messages]
    first, last = messages[0].sent_on.isoformat(), messages[-1].sent_on.isoformat()
    content = pages.join([d.content for d in rendered])
    etag = renderer.fingerprint(TEMPLATE, [d.etag for d in rendered])
    return Document(content, f"dunning-letters-{first}-{last}-{len(messages)}.pdf", etag)


async def _prepared_letter(
    scope: Scope,
    customer_id: int,
    *,
    dated: date,
    step: str,
    rate: str,
    lines: list[dict],
    totals: list[dict],
    pay_link: str,
    tenants: TenantRegistry | None = None,
) -> PreparedDocument:
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("no such customer")
    tenant = tenant_file(scope, tenants)
    view = letter_view(
        brand_of(tenant), Formatter(tenant.config.locale), party_of(customer), title="Payment reminder",
        dated=dated, step=step, rate=rate, lines=lines, totals=totals, pay_link=pay_link,
    )  # fmt: skip
    filename = (
        f"dunning-{safe_filename(customer.account_number)}-{dated.isoformat()}-{safe_filename(step)}.pdf"
    )
    return PreparedDocument(scope.tenant_id, TEMPLATE, view, filename, renderer.fingerprint(TEMPLATE, view))


async def letter_pdf(
    scope: Scope,
    customer_id: int,
    *,
    dated: date,
    step: str,
    rate: str,
    lines: list[dict],
    totals: list[dict],
    pay_link: str,
    tenants: TenantRegistry | None = None,
) -> Document:
    """The letter of one dunning message for ``customer_id`` (which the scope must see)."""
    prepared = await _prepared_letter(
        scope, customer_id, dated=dated, step=step, rate=rate, lines=lines, totals=totals,
        pay_link=pay_link, tenants=tenants,
    )  # fmt: skip
    return await render(prepared)
