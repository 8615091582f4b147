"""Opening and deciding disputes.

A payer or admin contact disputes an amount of an open invoice (never more than is open and not already
disputed); the dispute holds that amount out of collection alerts while it is open or under review. Staff
with ``disputes.decide`` accept it (a credit note for the whole amount), partially accept it (a credit note
for the accepted part) or reject it with a reason. ``issue_credit_note`` is the one place a decision
creates a credit note, applied to the invoice on the decision date, written through the ERP ingest's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require, require_contact
from app.disputes import repository
from app.errors import Conflict, NotFound, ValidationFailed
from app.fx.service import converter
from app.ingest import service as ingest
from app.inputs.text import check_text
from app.models import CreditNote, Dispute
from app.models.enums import DisputeStatus
from app.money import format_decimal_string
from app.notifications import service as notify
from app.portal import access as portal_access
from app.portal import invoices as portal_invoices
from app.portal import links
from app.portal import problems as portal_problems
from app.scope import Scope
from app.support import service as support
from app.tenancy.config import TenantConfig
from app.webhooks import payloads
from app.webhooks.events import emit

REASON_CODES = {
    "pricing": "Price differs from the agreement",
    "quantity": "Quantity differs from what was delivered",
    "damaged": "Goods damaged or service not as ordered",
    "not_received": "Goods or service not received",
    "duplicate": "Invoiced twice",
    "tax": "Tax is wrong",
    "other": "Something else",
}


class Decision:
    ACCEPT = "accept"
    PARTIAL = "partial"
    REJECT = "reject"


@dataclass(frozen=True)
class Decided:
    dispute: Dispute
    credit_note: CreditNote | None


async def open_dispute(
    scope: Scope,
    tenant: TenantConfig,
    invoice_id: int,
    amount: int,
    reason_code: str,
    message: str,
    origin: Origin = NO_ORIGIN,
) -> Dispute:
    detail = await portal_invoices.invoice(scope, invoice_id)
    require_contact(scope, "portal.dispute", detail.customer_id)
    disputable = detail.summary.open_amount - await repository.held_on_invoice(scope, invoice_id)
    problems = []
    if reason_code not in REASON_CODES:
        problems.append(("reasonCode", "choose a reason"))
    if amount <= 0:
        problems.append(("amount", "the amount must be more than zero"))
    elif amount > disputable:
        problems.append(("amount", "you cannot dispute more than is open and not already disputed"))
    try:
        message = check_text(message, "message", 10_000, multiline=True)
    except ValidationFailed as exc:
        problems.append(
            (
                "message",
                "a message has at most 10000 characters and no control characters",
                portal_problems.rule_code(exc),
            )
        )
        message = ""
    portal_problems.raise_problems(problems)
    reason = REASON_CODES.get(reason_code, reason_code)
    async with in_transaction():  # the thread, the dispute, its audit line and its event, or none
        return await _open(scope, tenant, detail, invoice_id, amount, reason_code, reason, message, origin)


async def _open(scope, tenant, detail, invoice_id, amount, reason_code, reason, message, origin) -> Dispute:
    """The writes of ``open_dispute``, run in its one transaction (a dispute without its thread, or an
    event about a dispute that rolled back, must never exist)."""
    thread = await support.create(
        scope,
        tenant,
        detail.customer_id,
        f"Dispute of invoice {detail.summary.number}: {reason}"[:200],
        message.strip() or reason,
        invoice_id=invoice_id,
        origin=origin,
    )
    dispute = await repository.add(
        scope,
        customer_id=detail.customer_id,
        invoice_id=invoice_id,
        amount=amount,
        currency=detail.summary.currency,
        reason_code=reason_code,
        description=message.strip(),
        status=DisputeStatus.OPEN,
        opened_on=portal_access.today_in(tenant),
        sla_due=clock.now() + timedelta(hours=tenant.support.dispute_sla_hours),
        contact_id=scope.principal_id,
        support_request_id=thread.id,
    )
    await audit.record(scope, "dispute.opened", target_type="dispute", target_id=dispute.id, origin=origin)
    await emit(scope, "dispute.opened", payloads.dispute(dispute))
    return dispute


async def issue_credit_note(scope: Scope, dispute: Dispute, amount: int, on: date, reason: str) -> CreditNote:
    """A credit note of ``amount`` for the dispute's invoice, applied to it on ``on``.

    Written through the ERP ingest (``app.ingest.service.import_batch``) as one credit-note record, so the
    same rules hold as for credit notes from the ERP: references, currency, and no invoice credited beyond
    what is open. Re-deciding cannot duplicate it: the record is keyed ``dispute:<id>``."""
    customer_ref, invoice_ref = await repository.external_ids(scope, dispute.customer_id, dispute.invoice_id)
    external_id = f"dispute:{dispute.id}"
    money = format_decimal_string(amount, dispute.currency)
    record = {
        "externalId": external_id,
        "number": f"CN-D{dispute.id}",
        "customer": customer_ref,
        "date": on.isoformat(),
        "currency": dispute.currency,
        "amount": money,
        "reason": reason[:255],
        "appliesTo": [{"invoice": invoice_ref, "amount": money, "date": on.isoformat()}],
    }
    await ingest.import_batch(scope, {"creditNotes": [record]})
    return await repository.credit_note(scope, external_id)


async def decide(
    scope: Scope,
    tenant: TenantConfig,
    dispute_id: int,
    decision: str,
    *,
    accepted_amount: int | None = None,
    note: str = "",
    origin: Origin = NO_ORIGIN,
) -> Decided:
    require(scope, "disputes.decide")
    dispute = await repository.get(scope, dispute_id)
    if dispute is None:
        raise NotFound("dispute not found")
    if dispute.status not in repository.OPEN:
        raise Conflict("the dispute is already decided")
    if decision == Decision.ACCEPT:
        accepted, status = dispute.amount, DisputeStatus.ACCEPTED
    elif decision == Decision.PARTIAL:
        if accepted_amount is None or not 0 < accepted_amount < dispute.amount:
            raise ValidationFailed(
                "accept more than zero and less than the disputed amount", field="acceptedAmount"
            )
        accepted, status = accepted_amount, DisputeStatus.PARTIALLY_ACCEPTED
    elif decision == Decision.REJECT:
        if not note.strip():
            raise ValidationFailed("give the customer a reason", field="reason")
        accepted, status = 0, DisputeStatus.REJECTED
    else:
        raise ValidationFailed("decision must be accept, partial or reject", field="decision")
    today = portal_access.today_in(tenant)
    # One transaction: the credit note, the decision, its audit line and the email to the contact.
    async with in_transaction():
        credit = None
        if accepted and dispute.invoice_id is not None:
            still_open = (await portal_invoices.invoice(scope, dispute.invoice_id)).summary.open_amount
            if accepted > still_open:
                # Paid or credited since the dispute opened: a credit note must not push the invoice below zero.
                raise Conflict(
                    f"only {format_decimal_string(still_open, dispute.currency)} {dispute.currency} of the invoice "
                    "is still open; accept at most that"
                )
            credit = await issue_credit_note(
                scope, dispute, accepted, today, f"Dispute {dispute.id}: {dispute.reason_code}"
            )
        await repository.update(
            scope,
            dispute_id,
            status=status,
            accepted_amount=accepted,
            resolution_note=note.strip(),
            resolved_at=clock.now(),
        )
        await audit.record(
            scope,
            f"dispute.{status.value}",
            target_type="dispute",
            target_id=dispute_id,
            details={"accepted": accepted},
            origin=origin,
        )
        decided = await repository.get(scope, dispute_id)
        await _tell_contact(scope, tenant, decided, credit, note.strip())
        await emit(scope, "dispute.decided", payloads.dispute(decided))
    return Decided(decided, credit)


async def _tell_contact(scope: Scope, tenant: TenantConfig, dispute: Dispute, credit, note: str) -> None:
    """Email the contact who disputed, and write the decision into the dispute's thread."""
    outcome = {
        DisputeStatus.ACCEPTED: "accepted",
        DisputeStatus.PARTIALLY_ACCEPTED: "partially accepted",
        DisputeStatus.REJECTED: "rejected",
    }[dispute.status]
    accepted = format_decimal_string(credit.amount, credit.currency) + f" {credit.currency}" if credit else ""
    number = dispute.invoice.number if dispute.invoice else ""
    if dispute.support_request_id:
        text = f"Your dispute was {outcome}." + (
            f" Credit note {credit.number}: {accepted}." if credit else ""
        )
        await repository.add_staff_message(scope, dispute.support_request_id, (text + f"\n\n{note}").strip())
    if dispute.contact is not None:
        await notify.dispute_decided(
            scope,
            tenant,
            dispute.id,
            dispute.contact.email,
            dispute.contact.name or dispute.contact.email,
            number,
            outcome,
            accepted,
            note,
            # A chargeback may name no invoice: the account then is what the decision is about.
            links.invoice(tenant, dispute.invoice_id)
            if dispute.invoice_id
            else links.account(tenant, dispute.customer_id),
        )


async def get(scope: Scope, dispute_id: int) -> Dispute:
    require(scope, "ar.read")
    found = await repository.get(scope, dispute_id)
    if found is None:
        raise NotFound("dispute not found")
    return found


async def open_disputes(scope: Scope, customer_id: int | None = None) -> list[Dispute]:
    if scope.is_contact:
        require_contact(scope, "portal.read", customer_id or 0)
    else:
        require(scope, "ar.read")
    return await repository.open_disputes(scope, customer_id)


#: Age bands of open disputes in the management pack: opened at most 30, 60, 90 days ago, then older.
AGE_BANDS = [30, 60, 90]


@dataclass(frozen=True)
class DisputeGroup:
    reason: str
    band: str  # "0-30", "31-60", "61-90", "91+"
    count: int
    amount: int  # base currency minor units


def band_labels(edges: list[int]) -> list[str]:
    lows = [0, *(e + 1 for e in edges)]
    return [f"{lo}-{hi}" for lo, hi in zip(lows, edges, strict=False)] + [f"{lows[-1]}+"]


async def open_by_reason_and_age(scope: Scope, base: str, as_of: date) -> list[DisputeGroup]:
    """Open disputes as of ``as_of`` by reason code and age band, amounts in the base currency (each
    cell's per-currency sums converted once at the as-of rate, like every table: metrics.md)."""
    require(scope, "ar.read")
    rows = await repository.open_by_reason_and_age(scope, as_of, AGE_BANDS)
    fx = await converter(scope, base, {r["currency"] for r in rows}, as_of)
    labels = band_labels(AGE_BANDS)
    cells: dict[tuple[str, int], list[int]] = {}
    for r in rows:
        cell = cells.setdefault((r["reason"], r["band"]), [0, 0])
        cell[0] += r["count"]
        cell[1] += fx.convert(r["amount"], r["currency"])
    return [
        DisputeGroup(reason, labels[band], n, amount) for (reason, band), (n, amount) in sorted(cells.items())
    ]
