"""Closed vocabularies of the domain, stored as short strings so SQL and exports stay readable."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    ADMIN = "admin"
    FINANCE = "finance"
    COLLECTIONS = "collections"
    CREDIT = "credit"
    SALES = "sales"
    SUPPORT = "support"
    VIEWER = "viewer"
    # KYC reviews (docs/credit-and-compliance.md); reads like a viewer otherwise.
    COMPLIANCE = "compliance"


class ContactRole(StrEnum):
    ADMIN = "admin"
    PAYER = "payer"
    VIEWER = "viewer"


class RiskRating(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class KycStatus(StrEnum):
    NOT_STARTED = "not_started"
    PENDING = "pending"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class OnboardingStatus(StrEnum):
    PROSPECT = "prospect"
    IN_PROGRESS = "in_progress"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class OnboardingStep(StrEnum):
    """Where a new account's onboarding waits (docs/credit-and-compliance.md); active and rejected end it."""

    APPLICATION = "application"
    KYC = "kyc"
    CREDIT_DECISION = "credit_decision"
    APPROVED = "approved"
    ACTIVE = "active"
    REJECTED = "rejected"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    WRITTEN_OFF = "written_off"


#: Statuses whose invoices are not receivables at all (metrics.md: drafts are not, a void is never open).
NOT_RECEIVABLE = (InvoiceStatus.DRAFT, InvoiceStatus.VOID)


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    CARD = "card"
    WIRE = "wire"
    ACH = "ach"
    CHECK = "check"
    CASH = "cash"
    DIRECT_DEBIT = "direct_debit"
    OTHER = "other"


class DisputeKind(StrEnum):
    DISPUTE = "dispute"
    DEDUCTION = "deduction"
    CHARGEBACK = "chargeback"


class DisputeStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class CreditHoldSource(StrEnum):
    """Why a credit hold was placed: by a person, or by which automatic rule."""

    MANUAL = "manual"
    OVER_LIMIT = "over_limit"
    KYC = "kyc"
    BROKEN_PROMISE = "broken_promise"


class SupportStatus(StrEnum):
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"


class MessageAuthor(StrEnum):
    CONTACT = "contact"
    STAFF = "staff"


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CoverKind(StrEnum):
    LETTER_OF_CREDIT = "letter_of_credit"
    STANDBY_LETTER_OF_CREDIT = "standby_letter_of_credit"
    BANK_GUARANTEE = "bank_guarantee"


class CoverStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    DRAWN = "drawn"
    CANCELLED = "cancelled"


class IntercompanyDirection(StrEnum):
    DUE_FROM = "due_from"
    DUE_TO = "due_to"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class AlertSeverity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class BankLineStatus(StrEnum):
    #: Stored, not matched yet (a crash between storing and posting leaves lines here; re-import finishes).
    NEW = "new"
    #: Matched above the tenant's threshold and posted through the payment service.
    POSTED = "posted"
    #: Waiting in the exceptions queue for a person.
    EXCEPTION = "exception"
    #: Posted by a person from the queue (applyBankLine).
    APPLIED = "applied"
    #: Set aside by a person (ignoreBankLine): not a customer payment.
    IGNORED = "ignored"
    #: Money out (a debit): not cash application's business.
    DEBIT = "debit"


class JobState(StrEnum):
    """Where a background job is (docs/jobs.md): waiting, being run, waiting to be tried again, or done."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    """What became of one email: sent (the relay accepted it), retrying, failed, or not sent (email off)."""

    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    DISABLED = "disabled"


class ApprovalKind(StrEnum):
    """What an approval request asks for (docs/credit-and-compliance.md)."""

    CREDIT_LIMIT = "credit_limit"
    WRITE_OFF = "write_off"


class ApprovalState(StrEnum):
    """Pending until decided; every other state is final."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
