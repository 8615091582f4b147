"""Collector activities, promises recorded by staff and collection tasks, through the staff API.
Collections act, everyone reads; another tenant's customer, invoice or task is not found."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app import clock
from app.audit import service as audit
from app.collections import dunning
from app.ids import encode_id
from app.models import CollectionTask, Membership, StaffUser
from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

NOON_IN_CHICAGO = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
LOG = """
mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) {
  activity { id kind outcome note promiseId taskId by } userErrors { field code message } } }"""
PROMISE = """
mutation($input: PromiseToPayInput!) { recordPromiseToPay(input: $input) {
  promise { id promisedDate amount { amount currencyCode } status } userErrors { field code } } }"""
TASKS = """
query($filter: CollectionTaskFilter) { collectionTasks(first: 20, filter: $filter) { totalCount
  edges { node { id customerId kind title dueOn state assignee outcome } } } }"""
ASSIGN = """
mutation($input: AssignTaskInput!) { assignTask(input: $input) { task { id assignee } userErrors { field code } } }"""
COMPLETE = """
mutation($input: CompleteTaskInput!) { completeTask(input: $input) {
  task { id state outcome completedBy } userErrors { field code } } }"""


async def _collector(scope, email: str) -> None:
    user = await StaffUser.create(email=email)
    await Membership.create(tenant_id=scope.tenant_id, user=user, role=StaffRole.COLLECTIONS)


async def test_a_call_with_a_promise_and_a_follow_up_pauses_dunning_and_sets_a_task(
    client, registry, scope_a, scope_b
):
    await _collector(scope_a, "cara@northwind.example")
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    late = await builders.invoice(scope_a, acme, 80000, "2026-05-01", "2026-06-01")
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    variables = {
        "input": {
            "customerId": encode_id("Customer", acme.id),
            "kind": "call",
            "outcome": "will pay next week",
            "note": "Spoke to Ann in AP.",
            "promise": {
                "promisedDate": "2026-07-07",
                "amount": "800.00",
                "invoiceIds": [encode_id("Invoice", late.id)],
            },
            "followUpOn": "2026-07-08",
        }
    }

    with clock.frozen(NOON_IN_CHICAGO):
        body = (await gql(client, LOG, token, variables)).json()
        tasks = (
            await gql(
                client, TASKS, await make_token("northwind", StaffRole.VIEWER), {"filter": {"state": "open"}}
            )
        ).json()

    assert "errors" not in body, body
    activity = body["data"]["logCollectionActivity"]["activity"]
    assert (activity["kind"], activity["outcome"], activity["by"]) == (
        "call",
        "will pay next week",
        "token:collections-token",
    )
    assert activity["promiseId"] and activity["taskId"]
    (edge,) = tasks["data"]["collectionTasks"]["edges"]
    assert edge["node"] == {
        "id": activity["taskId"], "customerId": encode_id("Customer", acme.id), "kind": "follow_up",
        "title": "Follow up: will pay next week", "dueOn": "2026-07-08", "state": "open",
        "assignee": "cara@northwind.example", "outcome": None,
    }  # fmt: skip
    report = await dunning.run(scope_a, registry.require("northwind").config, date(2026, 6, 30), dry_run=True)
    assert [(s.customer_id, s.reason) for s in report.skipped] == [(acme.id, "invoices_held")]
    assert "activity.logged" in [e.action for e in await audit.recent(scope_a)]


async def test_staff_promises_are_refused_with_coded_errors_and_never_reach_another_tenant(
    client, registry, scope_a, scope_b
):
    acme = await builders.customer(scope_a, "Acme")
    theirs = await builders.customer(scope_b, "Theirs", currency="EUR")
    their_invoice = await builders.invoice(scope_b, theirs, 100, "2026-06-01", "2026-06-30", currency="EUR")
    token = await make_token("northwind", StaffRole.FINANCE)

    async def promise(**values) -> tuple[dict | None, list]:
        base = {"customerId": encode_id("Customer", acme.id), "promisedDate": "2026-07-10", "amount": "10.00"}
        with clock.frozen(NOON_IN_CHICAGO):
            body = (await gql(client, PROMISE, token, {"input": {**base, **values}})).json()
        assert "errors" not in body, body
        payload = body["data"]["recordPromiseToPay"]
        return payload["promise"], [(e["field"], e["code"]) for e in payload["userErrors"]]

    made, errors = await promise()
    assert (
        errors == []
        and made["amount"] == {"amount": "10.00", "currencyCode": "USD"}
        and made["status"] == "open"
    )
    assert (await promise(customerId=encode_id("Customer", theirs.id)))[1] == [(["customerId"], "not_found")]
    assert (await promise(invoiceIds=[encode_id("Invoice", their_invoice.id)]))[1] == [
        (["invoiceIds"], "not_found")
    ]
    assert (await promise(promisedDate="2026-06-29"))[1] == [(["promisedDate"], "in_the_past")]
    assert (await promise(amount="0"))[1] == [(["amount"], "must_be_positive")]
    assert (await promise(amount="1.001"))[1] == [(["amount"], "invalid_amount")]
    viewer = await make_token("northwind", StaffRole.VIEWER, name="v")
    refused = (
        await gql(
            client,
            PROMISE,
            viewer,
            {"input": {"customerId": "x", "promisedDate": "2026-07-10", "amount": "1"}},
        )
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"


async def test_tasks_are_listed_assigned_and_completed_within_the_tenant(client, registry, scope_a, scope_b):
    await _collector(scope_a, "cara@northwind.example")
    await _collector(scope_b, "otto@cloudly.example")
    acme = await builders.customer(scope_a, "Acme")
    theirs = await builders.customer(scope_b, "Theirs")
    mine = await CollectionTask.create(
        tenant_id=scope_a.tenant_id, customer=acme, kind="call", title="Call Acme", due_on=date(2026, 7, 1)
    )
    other = await CollectionTask.create(
        tenant_id=scope_b.tenant_id, customer=theirs, kind="call", title="Anruf", due_on=date(2026, 7, 1)
    )
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    mine_id, other_id = encode_id("CollectionTask", mine.id), encode_id("CollectionTask", other.id)

    listed = (await gql(client, TASKS, token, {"filter": {"dueBy": "2026-07-01"}})).json()["data"][
        "collectionTasks"
    ]
    assigned = (
        await gql(client, ASSIGN, token, {"input": {"id": mine_id, "assignee": "cara@northwind.example"}})
    ).json()
    to_stranger = (
        await gql(client, ASSIGN, token, {"input": {"id": mine_id, "assignee": "otto@cloudly.example"}})
    ).json()
    theirs_assigned = (
        await gql(client, ASSIGN, token, {"input": {"id": other_id, "assignee": "cara@northwind.example"}})
    ).json()
    done = (await gql(client, COMPLETE, token, {"input": {"id": mine_id, "outcome": "paid by wire"}})).json()
    twice = (await gql(client, COMPLETE, token, {"input": {"id": mine_id}})).json()
    by_assignee = (
        await gql(client, TASKS, token, {"filter": {"assignee": "cara@northwind.example", "state": "done"}})
    ).json()

    assert [e["node"]["id"] for e in listed["edges"]] == [mine_id] and listed["totalCount"] == 1
    assert assigned["data"]["assignTask"]["task"]["assignee"] == "cara@northwind.example"
    assert to_stranger["data"]["assignTask"]["userErrors"] == [{"field": ["assignee"], "code": "not_found"}]
    assert theirs_assigned["data"]["assignTask"]["userErrors"] == [{"field": ["id"], "code": "not_found"}]
    assert done["data"]["completeTask"]["task"] == {
        "id": mine_id,
        "state": "done",
        "outcome": "paid by wire",
        "completedBy": "token:collections-token",
    }
    assert twice["data"]["completeTask"]["userErrors"] == [{"field": ["id"], "code": "conflict"}]
    assert [e["node"]["id"] for e in by_assignee["data"]["collectionTasks"]["edges"]] == [mine_id]
    await other.refresh_from_db()
    assert (other.state, other.assignee) == ("open", "")


WORKLIST = """
{ collectionWorklist(first: 10, asOf: "2026-06-30") { edges { node {
  customer { name } lastTouch nextStep { step nextStep nextStepOn } openTasks { kind title dueOn } } } } }"""


async def test_the_worklist_shows_last_touch_next_step_and_open_tasks(
    client, registry, scope_a, scope_b, count_queries
):
    touched = await builders.customer(scope_a, "Touched", billing_email="t@x.example")
    await builders.invoice(scope_a, touched, 90000, "2026-05-01", "2026-06-01")  # +29: the call step
    quiet = await builders.customer(scope_a, "Quiet", billing_email="q@x.example")
    await builders.invoice(scope_a, quiet, 10000, "2026-06-01", "2026-06-25")
    theirs = await builders.customer(scope_b, "Theirs")
    await builders.invoice(scope_b, theirs, 10000, "2026-06-01", "2026-06-25", currency="EUR")
    with clock.frozen(NOON_IN_CHICAGO):
        await dunning.run(scope_a, registry.require("northwind").config, date(2026, 6, 30))
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    await gql(client, "{ viewer { role } }", token)

    count_queries.reset()
    body = (await gql(client, WORKLIST, token)).json()

    assert "errors" not in body, body
    rows = {e["node"]["customer"]["name"]: e["node"] for e in body["data"]["collectionWorklist"]["edges"]}
    assert set(rows) == {"Touched", "Quiet"}
    assert rows["Touched"]["lastTouch"].startswith("2026-06-30T17:00:00")
    assert rows["Touched"]["nextStep"] == {"step": "call", "nextStep": "final", "nextStepOn": "2026-07-16"}
    assert rows["Touched"]["openTasks"] == [
        {"kind": "call", "title": "Call Touched (call)", "dueOn": "2026-06-30"}
    ]
    assert rows["Quiet"]["openTasks"] == [] and rows["Quiet"]["nextStep"]["step"] == "friendly"
    statements = len(count_queries)
    # One more customer on the page costs no more queries (DataLoaders)
    more = await builders.customer(scope_a, "More", billing_email="m@x.example")
    await builders.invoice(scope_a, more, 10000, "2026-06-01", "2026-06-25")
    count_queries.reset()
    again = (await gql(client, WORKLIST, token)).json()
    assert len(again["data"]["collectionWorklist"]["edges"]) == 3
    assert len(count_queries) == statements, count_queries.statements


TIMELINE = """
query($id: ID!, $after: String) { customer(id: $id) { timeline(first: 3, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { kind on title amount { amount } detail } } } } }"""


async def test_a_customers_timeline_lists_everything_newest_first_a_page_at_a_time(
    client, registry, scope_a, scope_b
):
    from app.models import PromiseToPay

    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    inv = await builders.invoice(scope_a, acme, 90000, "2026-05-01", "2026-06-01", number="T-1")
    await builders.payment(scope_a, acme, 10000, "2026-06-10", allocate=[(inv, 10000, "2026-06-10")])
    await builders.dispute(scope_a, inv, 5000, "2026-06-12")
    promise = await builders.promise(scope_a, acme, 75000, "2026-07-15")
    await PromiseToPay.filter(id=promise.id).update(created_at=datetime(2026, 6, 20, 15, 0, tzinfo=UTC))
    await dunning.run(
        scope_a, registry.require("northwind").config, date(2026, 6, 30)
    )  # the promise holds it
    theirs = await builders.customer(scope_b, "Theirs")
    await builders.invoice(scope_b, theirs, 100, "2026-06-01", "2026-06-30", currency="EUR")
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    with clock.frozen(NOON_IN_CHICAGO):
        await gql(
            client,
            LOG,
            token,
            {
                "input": {
                    "customerId": encode_id("Customer", acme.id),
                    "kind": "note",
                    "outcome": "asked for POD",
                }
            },
        )
    viewer = await make_token("northwind", StaffRole.VIEWER, name="v")

    first = (await gql(client, TIMELINE, viewer, {"id": encode_id("Customer", acme.id)})).json()
    assert "errors" not in first, first
    page = first["data"]["customer"]["timeline"]
    cursor = page["pageInfo"]["endCursor"]
    second = (
        await gql(client, TIMELINE, viewer, {"id": encode_id("Customer", acme.id), "after": cursor})
    ).json()

    entries = [e["node"] for e in page["edges"] + second["data"]["customer"]["timeline"]["edges"]]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] is True
    assert [(e["kind"], e["on"], e["title"]) for e in entries] == [
        ("activity", "2026-06-30", "Note: asked for POD"),
        ("promise", "2026-06-20", "Promise to pay by 2026-07-15"),
        ("dispute", "2026-06-12", "Dispute (pricing)"),
        ("payment", "2026-06-10", "Payment"),
        ("invoice", "2026-05-01", "Invoice T-1"),
    ]
    assert entries[4]["amount"] == {"amount": "900.00"}
    other = (await gql(client, TIMELINE, viewer, {"id": encode_id("Customer", theirs.id)})).json()
    assert other["errors"][0]["extensions"]["code"] == "not_found"


async def test_a_staff_promise_for_some_invoices_holds_those_and_dunning_goes_on_for_the_rest(
    client, registry, scope_a, scope_b
):
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    promised = await builders.invoice(scope_a, acme, 80000, "2026-04-01", "2026-05-01")
    other = await builders.invoice(scope_a, acme, 30000, "2026-04-05", "2026-05-05")
    theirs = await builders.customer(scope_b, "Theirs", currency="EUR", billing_email="ap@theirs.example")
    await builders.invoice(scope_b, theirs, 5000, "2026-04-01", "2026-05-01", currency="EUR")
    northwind = registry.require("northwind").config
    with clock.frozen(NOON_IN_CHICAGO):
        before = await dunning.run(scope_a, northwind, date(2026, 6, 30), dry_run=True)
        body = (
            await gql(
                client,
                PROMISE,
                await make_token("northwind", StaffRole.COLLECTIONS),
                {
                    "input": {
                        "customerId": encode_id("Customer", acme.id),
                        "promisedDate": "2026-07-10",
                        "amount": "800.00",
                        "invoiceIds": [encode_id("Invoice", promised.id)],
                    }
                },
            )
        ).json()
        after = await dunning.run(scope_a, northwind, date(2026, 6, 30), dry_run=True)
        later = await dunning.run(scope_a, northwind, date(2026, 7, 20), dry_run=True)

    assert body["data"]["recordPromiseToPay"]["userErrors"] == [], body

    def listed(report) -> dict[int, list[int]]:
        return {
            o.planned.customer_id: sorted(line.invoice_id for line in o.planned.lines) for o in report.sent
        }

    assert listed(before)[acme.id] == sorted([promised.id, other.id])
    # The promised invoice waits for its date (plus grace); the other one is still reminded of.
    assert listed(after)[acme.id] == [other.id]
    assert theirs.id not in listed(after), "another tenant's customers are never in this run"
    # Past the promise date and its grace, unpaid: the promise is broken and both are dunned again.
    assert listed(later)[acme.id] == sorted([promised.id, other.id])
