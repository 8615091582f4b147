"""Dunning in the staff API: runs with what they sent and skipped, the preview, pausing and resuming.
Collections act, every role reads; another tenant's run, customer or pause is not found."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app import clock
from app.audit import service as audit
from app.collections import dunning, pauses
from app.ids import encode_id
from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

AS_OF = date(2026, 6, 30)
NOON_IN_CHICAGO = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)

RUNS = """
query { dunningRuns(first: 10) { totalCount edges { node {
  id runOn trigger sentCount skippedCount
  messages { customerId step channel recipient payLink lines { number daysPastDue open { amount currencyCode } }
             totals { amount { amount } fee { amount } interest { amount } } }
  skipped { customerId reason detail }
} } } }"""
RUN = "query($id: ID!) { dunningRun(id: $id) { id sentCount } }"
PREVIEW = """
query($asOf: Date) { dunningPreview(asOf: $asOf) { asOf messages { customerId step lines { number } payLink }
  skipped { customerId reason } } }"""
PAUSE = """
mutation($input: PauseDunningInput!) { pauseDunning(input: $input) {
  pause { id customerId invoiceId reason resumeOn pausedBy resumedAt } userErrors { field code message } } }"""
RESUME = """
mutation($input: ResumeDunningInput!) { resumeDunning(input: $input) {
  pause { id resumedAt resumedBy } userErrors { field code message } } }"""


async def _world(scope_a, scope_b):
    acme = await builders.customer(scope_a, "Acme", billing_email="ap@acme.example")
    await builders.invoice(scope_a, acme, 100000, "2026-04-11", "2026-05-11", number="LATE-1")
    off = await builders.customer(scope_a, "Off", dunning_policy="off", billing_email="o@x.example")
    await builders.invoice(scope_a, off, 100000, "2026-04-11", "2026-05-11", number="OFF-1")
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR", billing_email="k@kunde.example")
    await builders.invoice(scope_b, kunde, 50000, "2026-04-11", "2026-05-11", currency="EUR")
    return acme, off, kunde


async def test_runs_list_what_was_sent_and_skipped_for_every_role_and_only_their_tenant(
    client, registry, scope_a, scope_b
):
    acme, off, _ = await _world(scope_a, scope_b)
    mine = await dunning.run(scope_a, registry.require("northwind").config, AS_OF)
    theirs = await dunning.run(scope_b, registry.require("cloudly").config, AS_OF)

    body = (await gql(client, RUNS, await make_token("northwind", StaffRole.VIEWER))).json()

    assert "errors" not in body, body
    (edge,) = body["data"]["dunningRuns"]["edges"]
    node = edge["node"]
    assert (node["runOn"], node["trigger"], node["sentCount"], node["skippedCount"]) == (
        "2026-06-30",
        "cli",
        1,
        1,
    )
    (message,) = node["messages"]
    assert message["customerId"] == encode_id("Customer", acme.id)
    assert (message["step"], message["channel"], message["recipient"]) == (
        "final",
        "email",
        "ap@acme.example",
    )
    assert message["lines"] == [
        {"number": "LATE-1", "daysPastDue": 50, "open": {"amount": "1000.00", "currencyCode": "USD"}}
    ]
    assert message["totals"] == [
        {"amount": {"amount": "1050.96"}, "fee": {"amount": "40.00"}, "interest": {"amount": "10.96"}}
    ]
    assert node["skipped"] == [
        {
            "customerId": encode_id("Customer", off.id),
            "reason": "dunning_off",
            "detail": "dunning is off for this customer",
        }
    ]
    token = await make_token("northwind", StaffRole.SALES)
    other = (await gql(client, RUN, token, {"id": encode_id("DunningRun", theirs.run_id)})).json()
    assert other == {"data": {"dunningRun": None}}
    own = (await gql(client, RUN, token, {"id": encode_id("DunningRun", mine.run_id)})).json()
    assert own["data"]["dunningRun"]["sentCount"] == 1


async def test_the_preview_says_what_a_run_would_send_and_sends_nothing(client, registry, scope_a, scope_b):
    acme, off, _ = await _world(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.VIEWER)

    body = (await gql(client, PREVIEW, token, {"asOf": "2026-06-30"})).json()
    again = (await gql(client, PREVIEW, token, {"asOf": "2026-06-30"})).json()

    assert "errors" not in body, body
    preview = body["data"]["dunningPreview"]
    assert [
        (m["customerId"], m["step"], [li["number"] for li in m["lines"]]) for m in preview["messages"]
    ] == [(encode_id("Customer", acme.id), "final", ["LATE-1"])]
    assert preview["skipped"] == [{"customerId": encode_id("Customer", off.id), "reason": "dunning_off"}]
    assert again == body
    runs = (await gql(client, RUNS, token)).json()
    assert runs["data"]["dunningRuns"]["totalCount"] == 0


async def test_collections_pause_and_resume_a_customer_audited_and_the_run_obeys(
    client, registry, scope_a, scope_b
):
    acme, _, _ = await _world(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.COLLECTIONS)
    config = registry.require("northwind").config
    with clock.frozen(NOON_IN_CHICAGO):
        paused = (
            await gql(
                client, PAUSE, token,
                {"input": {"customerId": encode_id("Customer", acme.id), "reason": "CFO on holiday", "resumeOn": "2026-07-10"}},
            )
        ).json()["data"]["pauseDunning"]  # fmt: skip
    assert paused["userErrors"] == []
    pause = paused["pause"]
    assert (pause["reason"], pause["resumeOn"], pause["resumedAt"]) == ("CFO on holiday", "2026-07-10", None)

    during = await dunning.run(scope_a, config, AS_OF, dry_run=True)
    assert [(s.customer_id, s.reason) for s in during.skipped if s.customer_id == acme.id] == [
        (acme.id, "paused")
    ]

    resumed = (await gql(client, RESUME, token, {"input": {"id": pause["id"]}})).json()["data"][
        "resumeDunning"
    ]
    twice = (await gql(client, RESUME, token, {"input": {"id": pause["id"]}})).json()["data"]["resumeDunning"]
    assert resumed["userErrors"] == [] and resumed["pause"]["resumedAt"] is not None
    assert twice["userErrors"][0]["code"] == "conflict"
    after = await dunning.run(scope_a, config, AS_OF, dry_run=True)
    assert [o.planned.customer_id for o in after.sent] == [acme.id]
    actions = [e.action for e in await audit.recent(scope_a)]
    assert "dunning.pause" in actions and "dunning.resume" in actions


async def test_pausing_is_refused_with_coded_user_errors(client, registry, scope_a, scope_b):
    acme, off, kunde = await _world(scope_a, scope_b)
    other_invoice = await builders.invoice(scope_a, off, 100, "2026-06-01", "2026-06-30")
    token = await make_token("northwind", StaffRole.COLLECTIONS)

    async def pause(**input_) -> list[dict]:
        body = (await gql(client, PAUSE, token, {"input": {"reason": "r", **input_}})).json()
        assert "errors" not in body, body
        return [(e["field"], e["code"]) for e in body["data"]["pauseDunning"]["userErrors"]]

    assert await pause(customerId=encode_id("Customer", kunde.id)) == [(["customerId"], "not_found")]
    assert await pause(
        customerId=encode_id("Customer", acme.id), invoiceId=encode_id("Invoice", other_invoice.id)
    ) == [(["invoiceId"], "not_found")]
    assert await pause(customerId=encode_id("Customer", acme.id), reason="  ") == [(["reason"], "required")]
    assert await pause(customerId=encode_id("Customer", acme.id), resumeOn="2000-01-01") == [
        (["resumeOn"], "not_in_future")
    ]
    viewer = await make_token("northwind", StaffRole.VIEWER, name="v")
    refused = (
        await gql(
            client, PAUSE, viewer, {"input": {"customerId": encode_id("Customer", acme.id), "reason": "r"}}
        )
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"


STATUS = """
query($id: ID!, $asOf: Date) { customer(id: $id, asOf: $asOf) { dunning {
  policy step nextStep nextStepOn paused pausedUntil reason } } }"""
LIST_STATUS = (
    "query($first: Int) { customers(first: $first) { edges { node { dunning { policy nextStepOn } } } } }"
)


async def test_a_customers_dunning_says_its_policy_last_step_next_step_and_pause(
    client, registry, scope_a, scope_b
):
    acme, off, _ = await _world(scope_a, scope_b)
    waiting = await builders.customer(scope_a, "Waiting", billing_email="w@x.example")
    await builders.invoice(scope_a, waiting, 5000, "2026-06-01", "2026-06-25")  # +5 on the 30th
    config = registry.require("northwind").config
    await dunning.run(scope_a, config, date(2026, 6, 28))  # Waiting: the friendly step (+3)
    await pauses.pause(
        scope_a,
        customer_id=acme.id,
        invoice_id=None,
        reason="CFO on holiday",
        resume_on=date(2026, 7, 10),
        today=AS_OF,
    )
    token = await make_token("northwind", StaffRole.VIEWER)

    async def status_of(customer) -> dict:
        body = (
            await gql(client, STATUS, token, {"id": encode_id("Customer", customer.id), "asOf": "2026-06-30"})
        ).json()
        assert "errors" not in body, body
        return body["data"]["customer"]["dunning"]

    assert await status_of(waiting) == {
        "policy": "standard", "step": "friendly", "nextStep": "reminder", "nextStepOn": "2026-07-02",
        "paused": False, "pausedUntil": None, "reason": "",
    }  # fmt: skip
    paused = await status_of(acme)
    assert (paused["policy"], paused["step"], paused["paused"], paused["pausedUntil"]) == (
        "standard", "final", True, "2026-07-10",
    )  # fmt: skip
    assert "CFO on holiday" in paused["reason"]
    assert (await status_of(off))["policy"] is None and (await status_of(off))["reason"] == "dunning is off"


async def test_the_dunning_of_a_page_of_customers_costs_the_same_queries_as_of_one(
    client, scope_a, scope_b, count_queries
):
    for n in range(6):
        c = await builders.customer(scope_a, f"Cust {n}", billing_email=f"c{n}@x.example")
        await builders.invoice(scope_a, c, 1000 + n, "2026-05-01", "2026-06-10")
    await builders.customer(scope_b, "Theirs")
    token = await make_token("northwind", StaffRole.VIEWER)
    await gql(client, "{ viewer { role } }", token)

    count_queries.reset()
    one = (await gql(client, LIST_STATUS, token, {"first": 1})).json()
    for_one = len(count_queries)
    count_queries.reset()
    six = (await gql(client, LIST_STATUS, token, {"first": 6})).json()

    assert len(one["data"]["customers"]["edges"]) == 1 and len(six["data"]["customers"]["edges"]) == 6
    assert len(count_queries) == for_one, count_queries.statements


async def test_a_messages_letter_downloads_for_staff_and_is_not_found_for_another_tenant(
    client, registry, scope_a, scope_b
):
    from tests.documents_data import pdf_text

    await _world(scope_a, scope_b)
    await dunning.run(scope_a, registry.require("northwind").config, AS_OF)  # Acme: the final step, a letter
    viewer = await make_token("northwind", StaffRole.VIEWER)
    body = (
        await gql(client, "{ dunningRuns(first: 1) { edges { node { messages { pdfUrl } } } } }", viewer)
    ).json()
    (message,) = body["data"]["dunningRuns"]["edges"][0]["node"]["messages"]
    url = message["pdfUrl"]
    assert url.startswith("/documents/dunning/")

    answer = await client.get(url, headers={"Authorization": f"Bearer {viewer}"})
    cached = await client.get(
        url, headers={"Authorization": f"Bearer {viewer}", "If-None-Match": answer.headers["etag"]}
    )
    theirs = await client.get(
        url, headers={"Authorization": f"Bearer {await make_token('cloudly', StaffRole.ADMIN)}"}
    )

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "LATE-1" in text and "$10.96" in text and "$1,050.96" in text
    assert cached.status_code == 304
    assert theirs.status_code == 404
