"""The demo leaves requests waiting in each tenant's approvals inbox, routed by its own file, once."""

from __future__ import annotations

from datetime import UTC, datetime

from app import clock
from app.approvals import engine
from app.credit import onboarding
from app.demo.approvals import waiting_requests
from app.demo.onboarding import waiting_applications
from app.demo.signin import demo_domain, invite_demo_people
from app.ingest.seeder import seed_tenant
from app.models.enums import ApprovalKind, StaffRole
from tests.approvals_world import person

MOMENT = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


async def test_the_demo_requests_wait_in_the_credit_and_finance_inboxes_and_a_rerun_adds_none(
    registry, scope_a, scope_b
):
    with clock.frozen(MOMENT):
        await seed_tenant(scope_a, customers=30, months=6, seed=42)
        await seed_tenant(scope_b, customers=30, months=6, seed=42)
        await invite_demo_people(registry)
        opened = await waiting_requests(registry, demo_domain)
        again = await waiting_requests(registry, demo_domain)

    assert (opened, again) == (6, 0)
    for scope in (scope_a, scope_b):
        rows, total = await engine.history(scope, engine.RequestFilter(), 0, 50)
        assert total == 3
        assert sorted(r.kind for r in rows) == [
            ApprovalKind.CREDIT_LIMIT,
            ApprovalKind.CREDIT_LIMIT,
            ApprovalKind.WRITE_OFF,
        ]
        assert sorted(r.required_approvals for r in rows if r.kind == ApprovalKind.CREDIT_LIMIT) in (
            [1, 1],
            [1, 2],
        )
        credit = person(scope, "credit", StaffRole.CREDIT)
        finance = person(scope, "finance", StaffRole.FINANCE)
        inbox, _ = await engine.inbox(credit, 0, 50)
        assert {r.kind for r in inbox} == {ApprovalKind.CREDIT_LIMIT}
        finance_inbox, _ = await engine.inbox(finance, 0, 50)
        assert ApprovalKind.WRITE_OFF in {r.kind for r in finance_inbox}
    assert demo_domain(registry.require("northwind")) == "northwind.example"


async def test_the_demo_leaves_applications_at_each_early_step_and_a_temporary_limit_waiting_once(
    registry, scope_a, scope_b
):
    with clock.frozen(MOMENT):
        opened = await waiting_applications(registry, demo_domain)
        again = await waiting_applications(registry, demo_domain)
        pipelines = {}
        for scope in (scope_a, scope_b):
            config = registry.require(scope.tenant_slug).config
            pipelines[scope.tenant_slug] = await onboarding.pipeline(scope, config, None, None, 0, 50)

    assert (opened, again) == (6, 0)
    for scope in (scope_a, scope_b):
        found = pipelines[scope.tenant_slug]
        assert {k: n for k, n in found.counts.items() if n} == {
            "application": 1,
            "kyc": 1,
            "credit_decision": 1,
        }
        inbox, _ = await engine.inbox(person(scope, "credit", StaffRole.CREDIT), 0, 50)
        [waiting] = [r for r in inbox if r.kind == ApprovalKind.CREDIT_LIMIT]
        assert waiting.valid_until is not None
