"""The staff support queue and dispute decisions through the staff API, with the email they send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.auth.repositories import identities
from app.auth.sessions import contact_scope_for
from app.disputes import service as disputes
from app.models.enums import StaffRole
from app.portal import invoices as portal_invoices
from app.support import repository as support_repository
from app.support import service as support
from app.tenancy.service import system_scope
from schema.common import ids
from tests.background import run_jobs
from tests.helpers import gql, make_token
from tests.mailbox import body_of
from tests.portal_data import contact_scope, world

QUEUE = """
query($filter: SupportQueueFilter, $first: Int, $after: String) {
  supportRequests(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id subject status invoiceNumber customerId messages { author body internal } } }
} }"""
ANSWER = """
mutation($input: SupportMessageInput!) { answerSupportRequest(input: $input) {
  supportRequest { status } userErrors { code }
} }"""
NOTE = """
mutation($input: SupportMessageInput!) { addInternalNote(input: $input) { supportRequest { status } userErrors { code } } }"""
RESOLVE = """
mutation($input: SupportRequestInput!) { resolveSupportRequest(input: $input) { supportRequest { status } userErrors { code } } }"""
REOPEN = """
mutation($input: SupportRequestInput!) { reopenSupportRequest(input: $input) { supportRequest { status } userErrors { code } } }"""
DECIDE = """
mutation($input: DecideDisputeInput!) { decideDispute(input: $input) {
  dispute { status amount } creditNoteNumber userErrors { field code }
} }"""
OPEN_DISPUTES = "{ openDisputes { id invoiceNumber amount currencyCode status } }"


async def data(client, query, token, **variables):
    answer = await gql(client, query, token, variables)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return answer.json()["data"]


async def queue_of(client, token, **variables) -> list[dict]:
    """The requests of one page of the queue."""
    found = (await data(client, QUEUE, token, **variables))["supportRequests"]
    return [edge["node"] for edge in found["edges"]]


async def test_given_a_query_when_staff_answer_in_the_queue_then_the_contact_is_emailed_and_notes_stay_internal(
    client, registry, mailbox
):
    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    created = await support.create(
        carla, northwind, w.x.id, "Freight", "Why freight?", invoice_id=w.x_invoices[1].id
    )
    cloudly_token = await make_token("cloudly", StaffRole.SUPPORT)
    token = await make_token("northwind", StaffRole.SUPPORT)
    rid = ids.encode_id("SupportRequest", created.id)

    await data(client, NOTE, token, input={"supportRequestId": rid, "message": "Ask the warehouse"})
    answered = await data(client, ANSWER, token, input={"supportRequestId": rid, "message": "Per clause 4."})
    queue = await queue_of(client, token)

    assert answered["answerSupportRequest"]["supportRequest"]["status"] == "WAITING_ON_CUSTOMER"
    assert queue[0]["invoiceNumber"] == "INV-X2"
    assert [(m["author"], m["internal"]) for m in queue[0]["messages"]] == [
        ("contact", False),
        ("staff", True),
        ("staff", False),
    ]
    thread = await support.thread_for_contact(carla, created.id)
    assert [m.body for m in thread.messages] == ["Why freight?", "Per clause 4."]
    assert mailbox == []  # sent after the commit, by the jobs, never inside the request
    await run_jobs(registry)
    assert [m["To"] for m in mailbox] == ["ar-support@northwind.example", "carla@xenon.example"]
    assert mailbox[1]["Subject"] == "Northwind Components Ltd answered your question: Freight"
    assert "Per clause 4." in body_of(mailbox[1]) and "Ask the warehouse" not in body_of(mailbox[1])
    assert await queue_of(client, cloudly_token) == []
    other = await data(client, ANSWER, cloudly_token, input={"supportRequestId": rid, "message": "x"})
    assert other["answerSupportRequest"]["userErrors"] == [{"code": "not_found"}]


async def test_given_filters_then_the_queue_selects_by_status_customer_and_breached_sla(client, registry):
    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    yuri = await contact_scope("yuri@yarrow.example")
    late = await support.create(carla, northwind, w.x.id, "Late one", "Hello")
    fresh = await support.create(yuri, northwind, w.y.id, "Fresh one", "Hello")
    staff = await system_scope("northwind")
    await support_repository.update_request(staff, late.id, sla_due=datetime.now(UTC) - timedelta(hours=1))
    token = await make_token("northwind", StaffRole.SUPPORT)

    async def subjects(**flt):
        return [r["subject"] for r in await queue_of(client, token, filter=flt)]

    assert await subjects(overdueSla=True) == ["Late one"]
    assert await subjects(customerId=ids.encode_id("Customer", w.y.id)) == ["Fresh one"]
    await data(client, RESOLVE, token, input={"supportRequestId": ids.encode_id("SupportRequest", fresh.id)})
    assert await subjects(status="RESOLVED") == ["Fresh one"]
    assert await subjects(status="OPEN") == ["Late one"]
    reopened = await data(
        client, REOPEN, token, input={"supportRequestId": ids.encode_id("SupportRequest", fresh.id)}
    )
    assert reopened["reopenSupportRequest"]["supportRequest"]["status"] == "OPEN"


async def test_given_a_dispute_when_finance_partially_accepts_then_a_credit_note_reduces_the_invoice(
    client, registry, mailbox
):
    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    old = w.x_invoices[0]
    dispute = await disputes.open_dispute(carla, northwind, old.id, 25000, "pricing", "Price is wrong")
    support_token = await make_token("northwind", StaffRole.SUPPORT, name="s")
    finance = await make_token("northwind", StaffRole.FINANCE, name="f")

    listed = (await data(client, OPEN_DISPUTES, support_token))["openDisputes"]
    queue = await queue_of(client, support_token)
    refused = await gql(
        client, DECIDE, support_token, {"input": {"disputeId": listed[0]["id"], "decision": "ACCEPT"}}
    )
    decided = await data(
        client,
        DECIDE,
        finance,
        input={
            "disputeId": listed[0]["id"],
            "decision": "PARTIAL",
            "acceptedAmount": "100.00",
            "reason": "Half agreed",
        },
    )

    assert listed == [
        {
            "id": ids.encode_id("Dispute", dispute.id),
            "invoiceNumber": "INV-X1",
            "amount": "250.00",
            "currencyCode": "USD",
            "status": "open",
        }
    ]
    assert queue[0]["subject"] == "Dispute of invoice INV-X1: Price differs from the agreement"
    assert refused.json()["errors"][0]["extensions"]["code"] == "forbidden"
    assert decided["decideDispute"] == {
        "dispute": {"status": "partially_accepted", "amount": "250.00"},
        "creditNoteNumber": f"CN-D{dispute.id}",
        "userErrors": [],
    }
    detail = await portal_invoices.invoice(carla, old.id)
    assert detail.summary.open_amount == 50000 and detail.disputed_amount == 0
    assert [c.amount for c in detail.credits] == [10000]
    await run_jobs(registry)
    decision_mail = [m for m in mailbox if m["To"] == "carla@xenon.example"]
    assert decision_mail[0]["Subject"] == "Your dispute of invoice INV-X1 was partially accepted"
    assert "100.00 USD" in body_of(decision_mail[0]) and "Half agreed" in body_of(decision_mail[0])
    thread = await support.thread_for_contact(carla, dispute.support_request_id)
    assert thread.messages[-1].body.startswith("Your dispute was partially accepted.")
    assert (await data(client, OPEN_DISPUTES, finance))["openDisputes"] == []


async def test_given_a_rejection_without_reason_then_it_is_refused_and_with_one_nothing_is_credited(
    client, registry
):
    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    dispute = await disputes.open_dispute(carla, northwind, w.x_invoices[0].id, 10000, "quantity", "")
    finance = await make_token("northwind", StaffRole.FINANCE)
    did = ids.encode_id("Dispute", dispute.id)

    bare = await data(client, DECIDE, finance, input={"disputeId": did, "decision": "REJECT"})
    reasoned = await data(
        client, DECIDE, finance, input={"disputeId": did, "decision": "REJECT", "reason": "Delivered in full"}
    )

    assert bare["decideDispute"]["userErrors"] == [{"field": ["reason"], "code": "invalid"}]
    assert reasoned["decideDispute"]["creditNoteNumber"] is None
    assert reasoned["decideDispute"]["dispute"]["status"] == "rejected"
    assert (await portal_invoices.invoice(carla, w.x_invoices[0].id)).summary.open_amount == 60000


async def test_given_the_invoice_was_paid_since_then_accepting_more_than_is_open_is_refused(client, registry):
    from datetime import date

    from tests import documents_data as documents

    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    old = w.x_invoices[0]
    dispute = await disputes.open_dispute(carla, northwind, old.id, 50000, "pricing", "")
    a = await system_scope("northwind")
    await documents.payment(a, w.x, date.today(), 20000, (old, 20000, date.today()))
    finance = await make_token("northwind", StaffRole.FINANCE)

    refused = await data(
        client,
        DECIDE,
        finance,
        input={"disputeId": ids.encode_id("Dispute", dispute.id), "decision": "ACCEPT"},
    )

    assert refused["decideDispute"]["userErrors"] == [{"field": None, "code": "conflict"}]
    assert (await portal_invoices.invoice(carla, old.id)).summary.open_amount == 40000


async def test_given_an_invoice_disputed_in_full_then_it_raises_no_overdue_alert_while_the_dispute_is_open(
    tenants, registry
):
    from app.alerts import rules

    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    a = await system_scope("northwind")
    old = w.x_invoices[0]

    everything = northwind.alerts.model_copy(update={"minimum_amount": Decimal(0)})
    ctx = await rules.context_for(a, northwind.model_copy(update={"alerts": everything}), w.today)
    await disputes.open_dispute(carla, northwind, old.id, 10000, "pricing", "")
    partly = {c.customer_id: (c.amount, c.items) for c in await rules.invoice_overdue(a, ctx)}
    await disputes.open_dispute(carla, northwind, old.id, 50000, "quantity", "")
    fully = await rules.invoice_overdue(a, ctx)

    assert partly == {w.x.id: (60000 - 10000, 1)}  # open 600.00, less what the dispute holds
    assert fully == []


ASSIGN = """
mutation($input: AssignSupportRequestInput!) { assignSupportRequest(input: $input) {
  supportRequest { assigneeId } userErrors { code }
} }"""


async def test_given_a_request_when_assigned_then_the_queue_filters_by_assignee_and_other_tenants_staff_are_not_found(
    client, registry
):
    from app.auth import members

    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    mine = await support.create(carla, northwind, w.x.id, "Mine", "Hello")
    await support.create(carla, northwind, w.x.id, "Unassigned", "Hello")
    a, b = await system_scope("northwind"), await system_scope("cloudly")
    sam = await members.invite_staff(a, "sam@northwind.example", StaffRole.SUPPORT)
    other = await members.invite_staff(b, "olga@cloudly.example", StaffRole.SUPPORT)
    token = await make_token("northwind", StaffRole.SUPPORT)
    rid = ids.encode_id("SupportRequest", mine.id)

    assigned = await data(
        client, ASSIGN, token, input={"supportRequestId": rid, "assigneeId": ids.encode_id("Member", sam.id)}
    )
    foreign = await data(
        client,
        ASSIGN,
        token,
        input={"supportRequestId": rid, "assigneeId": ids.encode_id("Member", other.id)},
    )
    queue = await queue_of(client, token, filter={"assigneeId": ids.encode_id("Member", sam.id)})

    assert assigned["assignSupportRequest"]["supportRequest"]["assigneeId"] == ids.encode_id("Member", sam.id)
    assert foreign["assignSupportRequest"]["userErrors"] == [{"code": "not_found"}]
    assert [r["subject"] for r in queue] == ["Mine"]


async def test_given_a_long_queue_then_staff_page_through_it_like_every_list_and_a_page_has_a_hard_bound(
    client, registry
):
    w = await world()
    northwind, cloudly = registry.require("northwind").config, registry.require("cloudly").config
    carla = await contact_scope("carla@xenon.example")
    for subject in ("First", "Second", "Third"):
        await support.create(carla, northwind, w.x.id, subject, "Hello")
    b = await system_scope("cloudly")
    zoe = await identities.contact_by_email(b.tenant_id, "zoe@zephyr.example")
    zoe_scope = await contact_scope_for(b.tenant_id, "cloudly", zoe.id, zoe.email)
    await support.create(zoe_scope, cloudly, w.z.id, "Theirs", "Hallo")
    token = await make_token("northwind", StaffRole.SUPPORT)

    first = (await data(client, QUEUE, token, first=2))["supportRequests"]
    rest = (await data(client, QUEUE, token, first=2, after=first["pageInfo"]["endCursor"]))[
        "supportRequests"
    ]
    too_many = await gql(client, QUEUE, token, {"first": 101})

    assert [e["node"]["subject"] for e in first["edges"]] == ["Third", "Second"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["subject"] for e in rest["edges"]] == ["First"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert too_many.json()["errors"][0]["extensions"]["code"] == "page_size"
