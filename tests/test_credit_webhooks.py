"""The credit domain's webhook events arrive at a subscribed endpoint, written in the change's
transaction: credit.limit_changed (approved, and a temporary limit ending), credit_hold.placed and
.released (by hand and by the KYC rule), kyc.completed (on the decision, not a four-eyes proposal) and
kyc.review_due (once per review date). A rolled-back or refused change writes no event; the other
tenant's endpoint hears nothing. Both engines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from app import clock
from app.credit import holds, kyc, limits
from app.credit import jobs as credit_jobs
from app.errors import LedgerportError
from app.ids import encode_id
from app.models import CreditHold, WebhookEvent
from app.webhooks import catalogue, service
from tests import builders as b
from tests.approvals_world import Staff

ALL = sorted(catalogue.EVENT_TYPES)
NOWHERE = "http://127.0.0.1:9/hooks"  # never called: these tests do not run the delivery jobs
NOW = datetime(2026, 1, 20, 15, 0, tzinfo=UTC)
KEYS = ["company_identity", "beneficial_owners", "sanctions_screening", "documents_valid"]


async def listen(*scopes) -> None:
    for scope in scopes:
        await service.create(scope, NOWHERE, ALL)


async def emitted(scope) -> list[tuple[str, dict]]:
    rows, _ = await service.deliveries(scope, service.DeliveryFilter(), 0, 100)
    return [(r.event.type, json.loads(r.event.body)["data"]) for r in reversed(rows)]


async def test_limit_changes_and_holds_emit_their_events_for_their_tenant_only(scope_a, scope_b, registry):
    northwind = registry.require("northwind").config
    await listen(scope_a, scope_b)
    staff = Staff(scope_a)
    cust = await b.customer(scope_a, credit_limit=1_000_000)
    with clock.frozen(NOW):
        request = await limits.request_limit(
            staff.sales, northwind, cust.id, 3_000_000, "Peak", valid_until=b.d("2026-01-31")
        )
        await limits.approve(staff.credit, northwind, request.id)
        hold = await holds.place(staff.credit, cust.id, "Cheque bounced")
        await holds.release(staff.finance, hold.id, "Paid by wire")
    with clock.frozen(datetime(2026, 2, 1, 7, 0, tzinfo=UTC)):
        await credit_jobs.sweep(scope_a, northwind)

    events = await emitted(scope_a)
    assert [t for t, _ in events] == [
        "credit.limit_changed",
        "credit_hold.placed",
        "credit_hold.released",
        "credit.limit_changed",
    ]
    raised, placed, released, ended = (d for _, d in events)
    customer_id = encode_id("Customer", cust.id)
    assert raised["id"] == raised["customerId"] == customer_id
    assert (raised["creditLimit"], raised["previousLimit"]) == (
        {"amount": "30000.00", "currencyCode": "USD"},
        {"amount": "10000.00", "currencyCode": "USD"},
    )
    assert (raised["cause"], raised["validUntil"]) == ("approved", "2026-01-31")
    assert raised["approvalRequestId"] == encode_id("ApprovalRequest", request.id)
    assert (ended["cause"], ended["creditLimit"]["amount"]) == ("expired", "10000.00")
    assert placed["id"] == released["id"] == encode_id("CreditHold", hold.id)
    assert (placed["source"], placed["reason"], placed["placedBy"], placed["releasedAt"]) == (
        "manual",
        "Cheque bounced",
        staff.credit.principal,
        None,
    )
    assert (released["releasedBy"], released["releaseReason"]) == (staff.finance.principal, "Paid by wire")
    assert isinstance(released["version"], int)
    assert await emitted(scope_b) == []


async def test_kyc_decisions_and_reviews_coming_due_emit_kyc_events(scope_a, scope_b, registry):
    northwind, cloudly = registry.require("northwind").config, registry.require("cloudly").config
    await listen(scope_a, scope_b)
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    good = await b.customer(scope_a, "Good Co")
    bad = await b.customer(scope_a, "Bad Co")
    euro = await b.customer(scope_b, "Euro GmbH", currency="EUR")
    with clock.frozen(NOW):
        review = await kyc.start(staff.compliance, northwind, good.id)
        await kyc.complete(staff.compliance, northwind, review.id, "pass", KEYS)
        failing = await kyc.start(staff.compliance, northwind, bad.id)
        await kyc.complete(staff.compliance, northwind, failing.id, "fail", [])
        # Cloudly has four eyes: the proposal is not a decision and sends nothing.
        proposal = await kyc.start(staff_b.compliance, cloudly, euro.id)
        cloudly_keys = [i["key"] for i in proposal.checklist]
        await kyc.complete(staff_b.compliance, cloudly, proposal.id, "pass", cloudly_keys)
        assert [t for t, _ in await emitted(scope_b)] == []
        await kyc.complete(staff_b.compliance2, cloudly, proposal.id, "pass", [])

    events = await emitted(scope_a)
    assert [t for t, _ in events] == ["kyc.completed", "kyc.completed", "credit_hold.placed"]
    passed, failed, held = (d for _, d in events)
    assert (passed["id"], passed["customerId"]) == (
        encode_id("KycReview", review.id),
        encode_id("Customer", good.id),
    )
    assert (passed["outcome"], passed["status"], passed["nextReview"]) == ("pass", "approved", "2028-01-20")
    assert (failed["outcome"], failed["status"], failed["nextReview"]) == ("fail", "rejected", None)
    assert (held["source"], held["customerId"]) == ("kyc", encode_id("Customer", bad.id))
    assert [t for t, _ in await emitted(scope_b)] == ["kyc.completed"]

    # Good Co's review falls due on 20 January 2028 (24 months); Northwind signals 14 days ahead (alerts.kyc_due_days).
    with clock.frozen(datetime(2028, 1, 5, 15, tzinfo=UTC)):
        assert (await credit_jobs.sweep(scope_a, northwind))["kyc_due_signalled"] == 0
    with clock.frozen(datetime(2028, 1, 6, 15, tzinfo=UTC)):
        assert (await credit_jobs.sweep(scope_a, northwind))["kyc_due_signalled"] == 1
        assert (await credit_jobs.sweep(scope_a, northwind))["kyc_due_signalled"] == 0, "once per date"
    [(kind, due)] = (await emitted(scope_a))[3:]
    assert kind == "kyc.review_due"
    assert (due["customerId"], due["nextReview"], due["overdue"], due["kycStatus"]) == (
        encode_id("Customer", good.id),
        "2028-01-20",
        False,
        "approved",
    )


async def test_a_rolled_back_or_refused_change_writes_no_event(scope_a, scope_b):
    await listen(scope_a, scope_b)
    staff = Staff(scope_a)
    cust = await b.customer(scope_a)

    with pytest.raises(RuntimeError):
        async with in_transaction():
            await holds.place(staff.credit, cust.id, "On second thoughts")
            raise RuntimeError("the surrounding change failed")
    assert await CreditHold.all().count() == 0
    assert await WebhookEvent.all().count() == 0

    await holds.place(staff.credit, cust.id, "Real")
    with pytest.raises(LedgerportError):
        await holds.place(staff.credit2, cust.id, "Again")  # already_on_hold
    assert [t for t, _ in await emitted(scope_a)] == ["credit_hold.placed"]
    assert await WebhookEvent.all().count() == 1
