"""One row of every tenant-owned model for a customer, so isolation tests can walk them all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app import models as m
from app.models.enums import (
    ContactRole,
    IntercompanyDirection,
    KycStatus,
    MessageAuthor,
    StaffRole,
)
from app.receivables import settlement
from app.scope import Scope


async def build_customer_graph(scope: Scope, tag: str) -> dict[type, object]:
    """Create a customer ``tag`` in the scope's tenant with one row of every tenant-owned model."""
    t = {"tenant_id": scope.tenant_id}
    rows: dict[type, object] = {}
    user, _ = await m.StaffUser.get_or_create(email=f"staff-{scope.tenant_slug}-{tag}@example.com")
    rows[m.Membership] = await m.Membership.create(**t, user=user, role=StaffRole.COLLECTIONS)
    customer = rows[m.CustomerAccount] = await m.CustomerAccount.create(
        **t, external_id=f"C-{tag}", account_number=f"ACC-{tag}", legal_name=f"Customer {tag}", currency="USD"
    )
    contact = rows[m.Contact] = await m.Contact.create(**t, email=f"{tag}@customer.example", name=tag)
    rows[m.ContactAccess] = await m.ContactAccess.create(
        **t, contact=contact, customer=customer, role=ContactRole.ADMIN
    )
    invoice = rows[m.Invoice] = await m.Invoice.create(
        **t,
        customer=customer,
        external_id=f"I-{tag}",
        number=f"INV-{tag}",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        currency="USD",
        subtotal=1000,
        tax=0,
        total=1000,
    )
    rows[m.InvoiceLine] = await m.InvoiceLine.create(
        **t,
        invoice=invoice,
        position=1,
        description="Widgets",
        quantity=Decimal("1"),
        unit_price=1000,
        amount=1000,
    )
    note = rows[m.CreditNote] = await m.CreditNote.create(
        **t,
        customer=customer,
        external_id=f"CN-{tag}",
        number=f"CN-{tag}",
        date=date(2026, 1, 5),
        currency="USD",
        amount=100,
    )
    rows[m.CreditApplication] = await m.CreditApplication.create(
        **t, credit_note=note, invoice=invoice, amount=100, date=date(2026, 1, 5)
    )
    rows[m.WriteOff] = await m.WriteOff.create(
        **t, invoice=invoice, external_id=f"W-{tag}", date=date(2026, 2, 1), amount=10
    )
    payment = rows[m.Payment] = await m.Payment.create(
        **t,
        customer=customer,
        external_id=f"P-{tag}",
        received_date=date(2026, 1, 20),
        amount=500,
        currency="USD",
    )
    rows[m.PaymentAllocation] = await m.PaymentAllocation.create(
        **t, payment=payment, invoice=invoice, amount=500, date=date(2026, 1, 20)
    )
    rows[m.Dispute] = await m.Dispute.create(
        **t,
        customer=customer,
        invoice=invoice,
        amount=50,
        currency="USD",
        reason_code="pricing",
        opened_on=date(2026, 1, 10),
    )
    promise = rows[m.PromiseToPay] = await m.PromiseToPay.create(
        **t, customer=customer, promised_date=date(2026, 3, 1), amount=390, currency="USD"
    )
    rows[m.PromiseInvoice] = await m.PromiseInvoice.create(**t, promise=promise, invoice=invoice)
    request = rows[m.SupportRequest] = await m.SupportRequest.create(
        **t, customer=customer, contact=contact, invoice=invoice, subject="Why this price?"
    )
    rows[m.SupportMessage] = await m.SupportMessage.create(
        **t, request=request, author_kind=MessageAuthor.CONTACT, contact=contact, body="Please explain."
    )
    rows[m.SupportAttachment] = await m.SupportAttachment.create(
        **t, request=request, filename="note.txt", content_type="text/plain", size=5, content=b"hello"
    )
    rows[m.CreditReview] = await m.CreditReview.create(**t, customer=customer, requested_limit=100000)
    rows[m.KycReview] = await m.KycReview.create(**t, customer=customer, status=KycStatus.APPROVED)
    rows[m.CreditHold] = await m.CreditHold.create(
        **t, customer=customer, reason="Over limit", placed_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    rows[m.LetterOfCredit] = await m.LetterOfCredit.create(
        **t,
        customer=customer,
        external_id=f"LC-{tag}",
        amount=5000,
        currency="USD",
        expiry_date=date(2026, 12, 31),
    )
    rows[m.IntercompanyBalance] = await m.IntercompanyBalance.create(
        **t,
        customer=customer,
        external_id=f"IC-{tag}",
        counterparty_entity="Sister GmbH",
        direction=IntercompanyDirection.DUE_FROM,
        amount=700,
        currency="USD",
        as_of=date(2026, 1, 31),
    )
    rows[m.Alert] = await m.Alert.create(
        **t,
        customer=customer,
        invoice=invoice,
        rule="invoice_overdue",
        dedupe_key=f"overdue:{tag}",
        message="late",
    )
    rows[m.AlertEvent] = await m.AlertEvent.create(
        **t, alert=rows[m.Alert], customer=customer, at=datetime(2026, 1, 31, tzinfo=UTC), kind="acknowledged",
        by="test",
    )  # fmt: skip
    rows[m.FxRate] = await m.FxRate.create(
        **t,
        currency="EUR",
        date=date(2026, 1, 1) + timedelta(days=sum(map(ord, tag)) % 300),
        rate=Decimal("1.08"),
    )
    rows[m.AuditEvent] = await m.AuditEvent.create(**t, actor_kind="system", action=f"test.{tag}")
    rows[m.ApiToken] = await m.ApiToken.create(
        **t,
        name=f"token-{tag}",
        role=StaffRole.VIEWER,
        prefix="lp_x",
        token_hash=f"{scope.tenant_slug}-{tag}".ljust(64, "0"),
    )
    now = datetime.now(UTC)
    rows[m.AuthSession] = await m.AuthSession.create(
        **t,
        kind="contact",
        contact=contact,
        principal=contact.email,
        secret_hash=f"s-{scope.tenant_slug}-{tag}".ljust(64, "0"),
        last_seen_at=now,
        expires_at=now + timedelta(hours=1),
    )
    rows[m.ContactInvitation] = await m.ContactInvitation.create(
        **t,
        customer=customer,
        email=f"new-{tag}@customer.example",
        token_hash=f"i-{scope.tenant_slug}-{tag}".ljust(64, "0"),
        expires_at=now + timedelta(days=7),
    )
    rows[m.StripeEvent] = await m.StripeEvent.create(
        **t, event_id=f"evt_{tag}", type="payment_intent.succeeded"
    )
    rows[m.CustomerBankAccount] = await m.CustomerBankAccount.create(
        **t, customer=customer, account=f"DE{abs(hash((scope.tenant_slug, tag))) % 10**18:018d}"
    )
    statement = rows[m.BankStatement] = await m.BankStatement.create(**t, format="camt.053", sha256="0" * 64)
    rows[m.BankLine] = await m.BankLine.create(
        **t,
        statement=statement,
        reference=f"BANK-{tag}",
        booking_date=date(2026, 1, 20),
        amount=1000,
        currency="USD",
        customer=customer,
        suggestions=[],
    )
    rows[m.Job] = await m.Job.create(**t, kind="email.send", key=f"graph-{tag}", run_at=now, created_at=now)
    rows[m.EmailDelivery] = await m.EmailDelivery.create(
        **t, key=f"graph-{tag}", template="new_request", recipient=f"s-{tag}@example.org", updated_at=now
    )
    request = rows[m.ApprovalRequest] = await m.ApprovalRequest.create(
        **t,
        kind="credit_limit",
        customer=customer,
        amount=100000,
        currency="USD",
        requested_by=f"sales-{tag}@example.com",
        requested_at=now,
        approver_roles=",credit,",
        open_roles=",credit,",
        sla_due=now + timedelta(hours=48),
    )
    rows[m.ApprovalGiven] = await m.ApprovalGiven.create(
        **t, request=request, approver=f"credit-{tag}@example.com", role="credit", at=now
    )
    rows[m.CreditDocument] = await m.CreditDocument.create(
        **t, customer=customer, kyc_review=rows[m.KycReview], checklist_key="company_identity",
        filename=f"extract-{tag}.pdf", content_type="application/pdf", size=3, content=b"pdf",
        uploaded_by=f"cleo-{tag}@example.com",
    )  # fmt: skip
    rows[m.OnboardingApplication] = await m.OnboardingApplication.create(
        **t, customer=customer, source="staff", step_since=now, created_by=f"sales-{tag}@example.com"
    )
    run = rows[m.DunningRun] = await m.DunningRun.create(
        **t, run_on=date(2026, 2, 1), trigger="cli", started_at=now
    )
    message = rows[m.DunningMessage] = await m.DunningMessage.create(
        **t, run=run, customer=customer, sent_on=date(2026, 2, 1), policy="standard", step_index=0,
        step_name="friendly", channel="email", template="dunning/reminder", attachment="statement", created_at=now,
    )  # fmt: skip
    rows[m.DunningInvoiceStep] = await m.DunningInvoiceStep.create(
        **t, message=message, invoice=invoice, policy="standard", step_index=0
    )
    rows[m.DunningSkip] = await m.DunningSkip.create(**t, run=run, customer=customer, reason="paused")
    rows[m.DunningPause] = await m.DunningPause.create(**t, customer=customer, reason="talking to them")
    rows[m.CollectionTask] = await m.CollectionTask.create(
        **t, customer=customer, kind="call", title="Call", due_on=date(2026, 2, 1), message=message
    )
    rows[m.CollectionActivity] = await m.CollectionActivity.create(
        **t, customer=customer, kind="call", outcome="promised", promise=promise, task=rows[m.CollectionTask],
        dispute=rows[m.Dispute], by="collector@example.com", at=now,
    )  # fmt: skip
    rows[m.StatementDelivery] = await m.StatementDelivery.create(
        **t,
        schedule="monthly",
        as_of=date(2026, 1, 31),
        customer=customer,
        currency="USD",
        state="sent",
        created_at=now,
    )
    rows[m.StoredPayDateModel] = await m.StoredPayDateModel.create(
        **t, trained_at=now, as_of=date(2026, 1, 20), payload=b"graph", importances={}, metrics={}
    )
    endpoint = rows[m.WebhookEndpoint] = await m.WebhookEndpoint.create(
        **t,
        url=f"https://hooks.example.com/{tag}",
        events=["payment.succeeded"],
        secret="whsec_x",
        created_at=now,
        updated_at=now,
    )
    event = rows[m.WebhookEvent] = await m.WebhookEvent.create(
        **t, message_id=f"msg_{scope.tenant_slug}_{tag}", type="payment.succeeded", body="{}", created_at=now
    )
    delivery = rows[m.WebhookDelivery] = await m.WebhookDelivery.create(
        **t, endpoint=endpoint, event=event, created_at=now
    )
    rows[m.WebhookAttempt] = await m.WebhookAttempt.create(
        **t, delivery=delivery, number=1, started_at=now, status_code=200, succeeded=True
    )
    # As every writer of movements does: keep the maintained settlement sums exact.
    await settlement.refresh(scope.tenant_id, whole_tenant=True)
    return rows
