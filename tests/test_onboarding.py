"""The onboarding pipeline: an application (by staff, or an import creating an account not approved)
moves through KYC, the credit decision and approval to active, driven by the KYC review and credit
limit flows, or is rejected; ``onboardingPipeline`` counts per step and lists the waiting accounts with
their age in the tenant's days. Both engines, two tenants; a refused input writes no row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import clock
from app.credit import kyc, limits, onboarding
from app.credit import repository as credit_repository
from app.errors import LedgerportError
from app.ids import encode_id
from app.ingest.service import import_batch
from app.models import CustomerAccount, OnboardingApplication
from app.models.enums import OnboardingStatus, OnboardingStep, StaffRole
from tests.approvals_world import Staff
from tests.helpers import gql, make_token

NOW = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)  # 30 January, noon in Chicago
KEYS = ["company_identity", "beneficial_owners", "sanctions_screening", "documents_valid"]

CREATE = """
mutation($input: CreateCustomerApplicationInput!) {
  createCustomerApplication(input: $input) {
    application { id customerId customerName step owner ageDays source requestedLimit { amount currencyCode } }
    userErrors { field code }
  }
}"""
PIPELINE = """
query($filter: OnboardingFilter) {
  onboardingPipeline(filter: $filter) {
    counts { step count }
    waiting { totalCount edges { node { customerName step owner ageDays history { step by } } } }
  }
}"""
ACTIVATE = """
mutation($input: ActivateCustomerAccountInput!) {
  activateCustomerAccount(input: $input) { application { step } userErrors { field code } }
}"""


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


async def step_of(scope, customer_id: int) -> tuple[OnboardingStep, OnboardingStatus]:
    row = await credit_repository.application_of(scope, customer_id)
    customer = await credit_repository.customer(scope, customer_id)
    return row.step, customer.onboarding_status


async def test_an_application_moves_through_kyc_and_the_credit_decision_to_active(scope_a, scope_b, registry):
    northwind = registry.require("northwind").config
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    new = onboarding.NewApplication(account_number="N-100", legal_name="Newco GmbH", country="DE")
    with clock.frozen(NOW):
        assert await code_of(onboarding.create(staff.collections, northwind, new)) == "forbidden"
        assert (
            await code_of(onboarding.create(staff.sales, northwind, onboarding.NewApplication("", "X")))
            == "required"
        )
        app = await onboarding.create(staff.sales, northwind, new)
        assert await code_of(onboarding.create(staff.credit, northwind, new)) == "already_exists"
    assert await CustomerAccount.filter(account_number="N-100").count() == 1, "the refused one wrote nothing"
    cust_id = app.customer_id
    assert (app.step, app.step_owner, app.source) == (OnboardingStep.APPLICATION, "compliance", "staff")
    assert await step_of(scope_a, cust_id) == (OnboardingStep.APPLICATION, OnboardingStatus.PROSPECT)
    assert await credit_repository.application_of(scope_b, cust_id) is None

    with clock.frozen(NOW.replace(day=31)):
        review = await kyc.start(staff.compliance, northwind, cust_id)
        assert await step_of(scope_a, cust_id) == (OnboardingStep.KYC, OnboardingStatus.IN_PROGRESS)
        await kyc.complete(staff.compliance, northwind, review.id, "pass", KEYS)
        assert await step_of(scope_a, cust_id) == (
            OnboardingStep.CREDIT_DECISION,
            OnboardingStatus.PENDING_APPROVAL,
        )
        # Not approved before the limit is decided.
        assert await code_of(onboarding.activate(staff.sales, app.id)) == "not_approved"
        request = await limits.request_limit(staff.sales, northwind, cust_id, 2_000_000, "First order")
        assert (await step_of(scope_a, cust_id))[0] == OnboardingStep.CREDIT_DECISION
        await limits.approve(staff.credit, northwind, request.id)
        assert await step_of(scope_a, cust_id) == (OnboardingStep.APPROVED, OnboardingStatus.APPROVED)
    with clock.frozen(datetime(2026, 2, 2, 15, 0, tzinfo=UTC)):
        assert await code_of(onboarding.activate(staff_b.sales, app.id)) == "not_found"
        done = await onboarding.activate(staff.sales, app.id)
        assert await code_of(onboarding.reject(staff.credit, app.id, "late")) == "already_decided"

    assert done.step == OnboardingStep.ACTIVE
    assert [h["step"] for h in done.history] == [
        "application",
        "kyc",
        "credit_decision",
        "approved",
        "active",
    ]
    assert [h["by"] for h in done.history] == [
        staff.sales.principal,
        staff.compliance.principal,
        staff.compliance.principal,
        staff.credit.principal,
        staff.sales.principal,
    ]


async def test_a_failed_kyc_or_a_rejection_ends_the_application(scope_a, scope_b, registry):
    northwind = registry.require("northwind").config
    staff = Staff(scope_a)
    with clock.frozen(NOW):
        failing = await onboarding.create(
            staff.credit, northwind, onboarding.NewApplication("F-1", "Shell Co")
        )
        turned_down = await onboarding.create(
            staff.credit, northwind, onboarding.NewApplication("F-2", "Maybe Co")
        )
        review = await kyc.start(staff.compliance, northwind, failing.customer_id)
        await kyc.complete(staff.compliance, northwind, review.id, "fail", [])
        assert await code_of(onboarding.reject(staff.sales, turned_down.id, "no")) == "forbidden"
        assert await code_of(onboarding.reject(staff.credit, turned_down.id, " ")) == "required"
        rejected = await onboarding.reject(staff.credit, turned_down.id, "Outside our market")
    assert await step_of(scope_a, failing.customer_id) == (OnboardingStep.REJECTED, OnboardingStatus.REJECTED)
    assert (rejected.step, rejected.decision_note) == (OnboardingStep.REJECTED, "Outside our market")


async def test_an_import_creating_an_account_not_approved_opens_an_application_once(scope_a, scope_b):
    batch = {
        "customers": [
            {"externalId": "P-1", "accountNumber": "P-1", "name": "Prospect Ltd", "currency": "USD", "onboardingStatus": "prospect"},
            {"externalId": "K-1", "accountNumber": "K-1", "name": "Known Ltd", "currency": "USD"},
        ]
    }  # fmt: skip
    with clock.frozen(NOW):
        await import_batch(scope_a, batch)
        await import_batch(scope_a, batch)  # again: unchanged, no second application
    [row] = await OnboardingApplication.filter(tenant_id=scope_a.tenant_id)
    customer = await CustomerAccount.get(id=row.customer_id)
    assert (customer.external_id, row.source, row.step) == ("P-1", "ingest", OnboardingStep.APPLICATION)
    assert customer.onboarding_status == OnboardingStatus.PROSPECT
    assert await OnboardingApplication.filter(tenant_id=scope_b.tenant_id).count() == 0


async def test_the_pipeline_counts_per_step_and_lists_the_waiting_with_their_age(
    client, scope_a, scope_b, registry
):
    sales = await make_token("northwind", StaffRole.SALES, name="sam")
    credit = await make_token("northwind", StaffRole.CREDIT, name="cora")
    other = await make_token("cloudly", StaffRole.CREDIT, name="carl")
    viewer = await make_token("northwind", StaffRole.VIEWER, name="vic")
    northwind = registry.require("northwind").config
    staff = Staff(scope_a)
    with clock.frozen(NOW):
        answer = await gql(client, CREATE, sales, {"input": {"accountNumber": "G-1", "legalName": "Gamma Inc", "requestedLimit": "25000.00"}})  # fmt: skip
        body = answer.json()["data"]["createCustomerApplication"]
        assert body["userErrors"] == []
        assert (body["application"]["step"], body["application"]["owner"], body["application"]["ageDays"]) == ("APPLICATION", "compliance", 0)  # fmt: skip
        assert body["application"]["requestedLimit"] == {"amount": "25000.00", "currencyCode": "USD"}
        refused = await gql(client, CREATE, viewer, {"input": {"accountNumber": "G-2", "legalName": "V"}})
        assert refused.json()["errors"][0]["extensions"]["code"] == "forbidden"
        dup = await gql(client, CREATE, credit, {"input": {"accountNumber": "G-1", "legalName": "Again"}})
        assert dup.json()["data"]["createCustomerApplication"]["userErrors"][0]["code"] == "already_exists"
    with clock.frozen(datetime(2026, 2, 1, 5, 0, tzinfo=UTC)):  # still 31 January in Chicago
        second = await onboarding.create(
            staff.credit, northwind, onboarding.NewApplication("D-1", "Delta LLC")
        )
        await kyc.start(staff.compliance, northwind, second.customer_id)
        await onboarding.create(Staff(scope_b).credit, registry.require("cloudly").config, onboarding.NewApplication("Z-1", "Zeta AG"))  # fmt: skip

    with clock.frozen(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)):  # 1 March: Feb has 28 days
        data = (await gql(client, PIPELINE, credit)).json()["data"]["onboardingPipeline"]
        mine = (await gql(client, PIPELINE, sales)).json()["data"]["onboardingPipeline"]
        kyc_only = (await gql(client, PIPELINE, credit, {"filter": {"steps": ["KYC"]}})).json()["data"]
        theirs = (await gql(client, PIPELINE, other)).json()["data"]["onboardingPipeline"]
    counts = {c["step"]: c["count"] for c in data["counts"]}
    assert counts == {
        "APPLICATION": 1,
        "KYC": 1,
        "CREDIT_DECISION": 0,
        "APPROVED": 0,
        "ACTIVE": 0,
        "REJECTED": 0,
    }
    waiting = [
        (e["node"]["customerName"], e["node"]["step"], e["node"]["ageDays"]) for e in data["waiting"]["edges"]
    ]
    # Gamma entered on 30 January (30 days to 1 March), Delta's KYC on 31 January (29 days).
    assert waiting == [("Gamma Inc", "APPLICATION", 30), ("Delta LLC", "KYC", 29)]
    # Northwind's sales staff see their own accounts only; Cloudly sees only its own.
    assert [e["node"]["customerName"] for e in mine["waiting"]["edges"]] == ["Gamma Inc"]
    assert [e["node"]["customerName"] for e in kyc_only["onboardingPipeline"]["waiting"]["edges"]] == [
        "Delta LLC"
    ]
    assert [e["node"]["customerName"] for e in theirs["waiting"]["edges"]] == ["Zeta AG"]

    gamma_id = (await credit_repository.customer_by_number(scope_a, "G-1")).id
    application = await credit_repository.application_of(scope_a, gamma_id)
    activate = {"input": {"applicationId": encode_id("OnboardingApplication", application.id)}}
    not_yet = (await gql(client, ACTIVATE, sales, activate)).json()["data"]["activateCustomerAccount"]
    assert not_yet["userErrors"][0]["code"] == "not_approved"
    assert (await gql(client, ACTIVATE, other, activate)).json()["data"]["activateCustomerAccount"]["userErrors"][0]["code"] == "not_found"  # fmt: skip
