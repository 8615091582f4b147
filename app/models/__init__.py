"""Every Tortoise model of Ledgerport, one module per aggregate.

``TENANT_OWNED`` lists the models that carry ``tenant_id``; the tenancy tests walk it.
"""

from app.models.alert import Alert, AlertEvent
from app.models.api_token import ApiToken
from app.models.approval import ApprovalGiven, ApprovalRequest
from app.models.audit import AuditEvent
from app.models.auth_session import AuthSession
from app.models.bank import BankLine, BankStatement, CustomerBankAccount
from app.models.base import TenantOwned
from app.models.collection_activity import CollectionActivity
from app.models.collection_task import CollectionTask
from app.models.contact import Contact, ContactAccess
from app.models.credit import CreditReview, KycReview
from app.models.credit_document import CreditDocument
from app.models.credit_hold import CreditHold
from app.models.credit_note import CreditApplication, CreditNote
from app.models.customer import CustomerAccount
from app.models.dispute import Dispute
from app.models.dunning import (
    DunningInvoiceStep,
    DunningMessage,
    DunningPause,
    DunningRun,
    DunningSkip,
    StatementDelivery,
)
from app.models.forecast import StoredPayDateModel
from app.models.fx import FxRate
from app.models.intercompany import IntercompanyBalance
from app.models.invitation import ContactInvitation
from app.models.invoice import Invoice, InvoiceLine
from app.models.job import EmailDelivery, Job
from app.models.onboarding import OnboardingApplication
from app.models.payment import Payment, PaymentAllocation
from app.models.promise import PromiseInvoice, PromiseToPay
from app.models.rate_limit import RateLimitCounter
from app.models.staff import Membership, StaffUser
from app.models.stripe_event import StripeEvent
from app.models.support import SupportMessage, SupportRequest
from app.models.support_attachment import SupportAttachment
from app.models.tenant import Tenant
from app.models.trade_finance import LetterOfCredit
from app.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.models.write_off import WriteOff

TENANT_OWNED: tuple[type[TenantOwned], ...] = (
    Membership,
    CustomerAccount,
    Contact,
    ContactAccess,
    Invoice,
    InvoiceLine,
    CreditNote,
    CreditApplication,
    WriteOff,
    Payment,
    PaymentAllocation,
    Dispute,
    PromiseToPay,
    PromiseInvoice,
    SupportRequest,
    SupportMessage,
    SupportAttachment,
    CreditReview,
    KycReview,
    CreditHold,
    LetterOfCredit,
    IntercompanyBalance,
    Alert,
    AlertEvent,
    FxRate,
    AuditEvent,
    ApiToken,
    StripeEvent,
    AuthSession,
    ContactInvitation,
    CustomerBankAccount,
    BankStatement,
    BankLine,
    Job,
    EmailDelivery,
    ApprovalRequest,
    ApprovalGiven,
    DunningRun,
    DunningMessage,
    DunningInvoiceStep,
    DunningSkip,
    DunningPause,
    CollectionTask,
    CollectionActivity,
    StatementDelivery,
    StoredPayDateModel,
    WebhookEndpoint,
    WebhookEvent,
    WebhookDelivery,
    WebhookAttempt,
    CreditDocument,
    OnboardingApplication,
)

__all__ = [
    "TENANT_OWNED",
    "Alert",
    "AlertEvent",
    "ApiToken",
    "ApprovalGiven",
    "ApprovalRequest",
    "AuditEvent",
    "AuthSession",
    "BankLine",
    "BankStatement",
    "CollectionActivity",
    "CollectionTask",
    "Contact",
    "ContactAccess",
    "ContactInvitation",
    "CreditApplication",
    "CreditDocument",
    "CreditHold",
    "CreditNote",
    "CreditReview",
    "CustomerAccount",
    "CustomerBankAccount",
    "Dispute",
    "DunningInvoiceStep",
    "DunningMessage",
    "DunningPause",
    "DunningRun",
    "DunningSkip",
    "EmailDelivery",
    "FxRate",
    "IntercompanyBalance",
    "Invoice",
    "InvoiceLine",
    "Job",
    "KycReview",
    "LetterOfCredit",
    "Membership",
    "OnboardingApplication",
    "Payment",
    "PaymentAllocation",
    "PromiseInvoice",
    "PromiseToPay",
    "RateLimitCounter",
    "StaffUser",
    "StatementDelivery",
    "StoredPayDateModel",
    "StripeEvent",
    "SupportAttachment",
    "SupportMessage",
    "SupportRequest",
    "Tenant",
    "TenantOwned",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WriteOff",
]
