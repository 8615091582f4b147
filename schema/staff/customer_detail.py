"""Types of the customer 360 beyond balances: credit and KYC reviews, letters of credit, intercompany
balances, disputes, promises to pay, payment behaviour and profitability."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from app.customers.behaviour import PaymentBehaviour, Profitability
from app.models import (
    CreditReview,
    Dispute,
    IntercompanyBalance,
    KycReview,
    LetterOfCredit,
    Payment,
    PromiseToPay,
)
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.staff.receivables import rounded


@strawberry.type(description="A credit review: who approved which limit and rating, when.")
class CreditReviewNode:
    id: strawberry.ID
    status: str
    requested_limit: Money | None
    approved_limit: Money | None
    rating: str | None
    requested_by: str
    approver: str
    decided_at: datetime | None
    note: str


@strawberry.type
class KycReviewNode:
    id: strawberry.ID
    status: str
    reviewed_on: date | None
    next_review: date | None
    reviewer: str


@strawberry.type(description="A letter of credit or guarantee covering the customer's exposure.")
class LetterOfCreditNode:
    id: strawberry.ID
    kind: str
    reference: str
    issuing_bank: str
    amount: Money
    issue_date: date | None
    expiry_date: date
    status: str


@strawberry.type
class IntercompanyBalanceNode:
    id: strawberry.ID
    counterparty_entity: str
    direction: str
    amount: Money
    as_of: date


@strawberry.type(description="A dispute or deduction; while open its amount is held out of dunning.")
class DisputeNode:
    id: strawberry.ID
    kind: str
    status: str
    amount: Money
    reason_code: str
    opened_on: date
    sla_due: datetime | None
    invoice_id: strawberry.ID | None


@strawberry.type
class PromiseToPayNode:
    id: strawberry.ID
    promised_date: date
    amount: Money
    status: str
    note: str


@strawberry.type(description="A payment received from the customer.")
class PaymentNode:
    id: strawberry.ID
    received_date: date
    amount: Money
    method: str
    reference: str
    status: str


def payment_node(p: Payment) -> PaymentNode:
    return PaymentNode(
        id=strawberry.ID(encode_id("Payment", p.id)),
        received_date=p.received_date,
        amount=Money.of(p.amount, p.currency),
        method=str(p.method),
        reference=p.reference,
        status=str(p.status),
    )


@strawberry.type(description="Invoices settled in the 12 months to the as-of date (metrics.md).")
class PaymentBehaviourNode:
    settled_count: int
    average_days_to_pay: float | None = strawberry.field(description="Amount-weighted, 2 decimals.")
    average_days_late: float | None = strawberry.field(description="Amount-weighted, 2 decimals.")
    on_time_rate: float | None = strawberry.field(description="Share settled by the due date, 4 decimals.")
    previous_year: PaymentBehaviourNode | None = strawberry.field(
        description="The same figures for the 12 months before, to show the trend."
    )
    days_to_pay_change: float | None = strawberry.field(
        description="Average days to pay now minus a year before (negative: paying faster)."
    )


@strawberry.type(description="Trailing 12 months; margin null when no line carries a cost.")
class ProfitabilityNode:
    revenue: Money
    previous_revenue: Money
    gross_margin: Money | None
    margin_rate: float | None
    growth: float | None


def _money(minor: int | None, currency: str) -> Money | None:
    return None if minor is None else Money.of(minor, currency)


def credit_review_node(r: CreditReview, base: str) -> CreditReviewNode:
    return CreditReviewNode(
        id=strawberry.ID(encode_id("CreditReview", r.id)),
        status=str(r.status),
        requested_limit=_money(r.requested_limit, base),
        approved_limit=_money(r.approved_limit, base),
        rating=str(r.rating) if r.rating else None,
        requested_by=r.requested_by,
        approver=r.approver,
        decided_at=r.decided_at,
        note=r.note,
    )


def kyc_review_node(r: KycReview) -> KycReviewNode:
    return KycReviewNode(
        id=strawberry.ID(encode_id("KycReview", r.id)),
        status=str(r.status),
        reviewed_on=r.reviewed_on,
        next_review=r.next_review,
        reviewer=r.reviewer,
    )


def letter_of_credit_node(r: LetterOfCredit) -> LetterOfCreditNode:
    return LetterOfCreditNode(
        id=strawberry.ID(encode_id("LetterOfCredit", r.id)),
        kind=str(r.kind),
        reference=r.reference,
        issuing_bank=r.issuing_bank,
        amount=Money.of(r.amount, r.currency),
        issue_date=r.issue_date,
        expiry_date=r.expiry_date,
        status=str(r.status),
    )


def intercompany_node(r: IntercompanyBalance) -> IntercompanyBalanceNode:
    return IntercompanyBalanceNode(
        id=strawberry.ID(encode_id("IntercompanyBalance", r.id)),
        counterparty_entity=r.counterparty_entity,
        direction=str(r.direction),
        amount=Money.of(r.amount, r.currency),
        as_of=r.as_of,
    )


def dispute_node(r: Dispute) -> DisputeNode:
    return DisputeNode(
        id=strawberry.ID(encode_id("Dispute", r.id)),
        kind=str(r.kind),
        status=str(r.status),
        amount=Money.of(r.amount, r.currency),
        reason_code=r.reason_code,
        opened_on=r.opened_on,
        sla_due=r.sla_due,
        invoice_id=strawberry.ID(encode_id("Invoice", r.invoice_id)) if r.invoice_id else None,
    )


def promise_node(r: PromiseToPay) -> PromiseToPayNode:
    return PromiseToPayNode(
        id=strawberry.ID(encode_id("PromiseToPay", r.id)),
        promised_date=r.promised_date,
        amount=Money.of(r.amount, r.currency),
        status=str(r.status),
        note=r.note,
    )


def behaviour_node(b: PaymentBehaviour, before: PaymentBehaviour | None = None) -> PaymentBehaviourNode:
    change = None
    if before is not None and b.average_days_to_pay is not None and before.average_days_to_pay is not None:
        change = rounded(b.average_days_to_pay - before.average_days_to_pay, 2)
    return PaymentBehaviourNode(
        settled_count=b.settled_count,
        average_days_to_pay=rounded(b.average_days_to_pay, 2),
        average_days_late=rounded(b.average_days_late, 2),
        on_time_rate=rounded(b.on_time_rate, 4),
        previous_year=behaviour_node(before) if before is not None else None,
        days_to_pay_change=change,
    )


def profitability_node(p: Profitability, base: str) -> ProfitabilityNode:
    return ProfitabilityNode(
        revenue=Money.of(p.revenue, base),
        previous_revenue=Money.of(p.previous_revenue, base),
        gross_margin=_money(p.gross_margin, base),
        margin_rate=rounded(p.margin_rate, 4),
        growth=rounded(p.growth, 4),
    )
