"""The alert rules. Each returns candidates with a ``dedupe_key`` naming the condition precisely enough
that re-evaluating finds the same key (no duplicate) while a new occurrence gets a new one:

| rule | key | severity |
|---|---|---|
| invoice_overdue | invoice id + the highest threshold of ``alerts.overdue_days`` passed | critical at the last threshold |
| credit_limit_exceeded | customer id + month | warning |
| kyc_review_due / kyc_review_overdue | customer id + next review date | warning / critical |
| letter_of_credit_expiring | letter id + expiry date (within ``letter_of_credit_expiry_days``) | warning |
| dispute_past_sla | dispute id (SLA = ``sla_due`` or opened + ``support.dispute_sla_hours``) | warning |
| promise_broken | promise id (marked broken, or still open after its date) | warning |
| payment_failed | payment id (failed in the last 30 days) | critical |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.alerts import repository
from app.customers import service as customers
from app.db.sql import as_date
from app.models.enums import AlertSeverity
from app.receivables import repository as ar_repository
from app.scope import Scope
from app.tenancy.config import TenantConfig

FAILED_PAYMENT_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class Candidate:
    rule: str
    dedupe_key: str
    message: str
    severity: AlertSeverity = AlertSeverity.WARNING
    customer_id: int | None = None
    invoice_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


async def invoice_overdue(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    thresholds = sorted(config.alerts.overdue_days)
    if not thresholds:
        return []
    out = []
    rows = await ar_repository.open_invoices_due_before(scope, today, today - timedelta(days=thresholds[0]))
    for row in rows:
        days = (today - as_date(row["due_date"])).days
        passed = max(t for t in thresholds if days > t)
        out.append(
            Candidate(
                rule="invoice_overdue",
                dedupe_key=f"invoice_overdue:{row['invoice_id']}:{passed}",
                message=f"Invoice {row['number']} is more than {passed} days overdue ({days} days).",
                severity=AlertSeverity.CRITICAL if passed == thresholds[-1] else AlertSeverity.WARNING,
                customer_id=row["customer_id"],
                invoice_id=row["invoice_id"],
                details={
                    "days_past_due": days,
                    "threshold": passed,
                    "open_amount": int(row["open_amount"]),
                    "disputed": int(row["disputed"]),
                },
            )
        )
    return out


async def credit_limit_exceeded(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    out, offset = [], 0
    while True:
        items, total = await customers.list_customers(
            scope, config, as_of=today, over_limit=True, offset=offset, limit=500
        )
        for item in items:
            c = item.customer
            out.append(
                Candidate(
                    rule="credit_limit_exceeded",
                    dedupe_key=f"credit_limit_exceeded:{c.id}:{today:%Y-%m}",
                    message=f"{c.legal_name} is over its credit limit.",
                    customer_id=c.id,
                )
            )
        offset += len(items)
        if not items or offset >= total:
            return out


async def kyc_review(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    out = []
    horizon = today + timedelta(days=config.alerts.kyc_due_days)
    for c in await repository.customers_with_kyc_review_before(scope, horizon):
        overdue = c.kyc_next_review < today
        out.append(
            Candidate(
                rule="kyc_review_overdue" if overdue else "kyc_review_due",
                dedupe_key=f"kyc_review:{c.id}:{c.kyc_next_review}:{'overdue' if overdue else 'due'}",
                message=f"KYC review of {c.legal_name} {'was' if overdue else 'is'} due on {c.kyc_next_review}.",
                severity=AlertSeverity.CRITICAL if overdue else AlertSeverity.WARNING,
                customer_id=c.id,
            )
        )
    return out


async def letter_of_credit_expiring(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    end = today + timedelta(days=config.alerts.letter_of_credit_expiry_days)
    return [
        Candidate(
            rule="letter_of_credit_expiring",
            dedupe_key=f"letter_of_credit_expiring:{lc.id}:{lc.expiry_date}",
            message=f"Letter of credit {lc.reference or lc.external_id} expires on {lc.expiry_date}.",
            customer_id=lc.customer_id,
            details={"expiry_date": lc.expiry_date.isoformat()},
        )
        for lc in await repository.letters_expiring(scope, today, end)
    ]


async def dispute_past_sla(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    now = datetime.combine(today, time(23, 59, 59), UTC)
    out = []
    for d in await repository.open_disputes(scope):
        due = d.sla_due or datetime.combine(d.opened_on, time(0), UTC) + timedelta(
            hours=config.support.dispute_sla_hours
        )
        if due < now:
            out.append(
                Candidate(
                    rule="dispute_past_sla",
                    dedupe_key=f"dispute_past_sla:{d.id}",
                    message=f"Dispute {d.id} ({d.reason_code}) is past its SLA.",
                    customer_id=d.customer_id,
                    invoice_id=d.invoice_id,
                )
            )
    return out


async def promise_broken(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    return [
        Candidate(
            rule="promise_broken",
            dedupe_key=f"promise_broken:{p.id}",
            message=f"Promise to pay of {p.promised_date} was not kept.",
            customer_id=p.customer_id,
        )
        for p in await repository.broken_promises(scope, today)
    ]


async def payment_failed(scope: Scope, config: TenantConfig, today: date) -> list[Candidate]:
    since = today - timedelta(days=FAILED_PAYMENT_LOOKBACK_DAYS)
    return [
        Candidate(
            rule="payment_failed",
            dedupe_key=f"payment_failed:{p.id}",
            message=f"Payment {p.external_id} of {p.received_date} failed.",
            severity=AlertSeverity.CRITICAL,
            customer_id=p.customer_id,
        )
        for p in await repository.failed_payments(scope, since)
    ]


RULES = (
    invoice_overdue,
    credit_limit_exceeded,
    kyc_review,
    letter_of_credit_expiring,
    dispute_past_sla,
    promise_broken,
    payment_failed,
)
