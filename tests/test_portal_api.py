"""The portal API as a signed-in contact: account figures, invoices, support, disputes, details."""

from __future__ import annotations

import base64
from datetime import timedelta

from app.audit import service as audit
from app.documents.urls import invoice_pdf_url
from app.payments import repository as payments_repository
from app.support import service as support
from app.tenancy.service import system_scope
from schema.common import ids
from tests import documents_data as data
from tests.portal_data import world
from tests.signin_flow import graphql, person, sign_in

LOGIN = "/auth/northwind/portal/login"
ACCOUNT = """
query($id: ID!) { account(id: $id) {
  name currencyCode balance { amount currencyCode } overdue { amount } totalOpen { amount }
  unappliedCredit { amount } nextDue { date amount { amount } } aging { label amount { amount } }
  openDisputes disputedAmount { amount }
} }"""
INVOICES = """
query($id: ID!, $first: Int!, $after: String, $filter: InvoiceFilter) { account(id: $id) {
  invoices(first: $first, after: $after, filter: $filter) {
    edges { cursor node { number status openAmount { amount } } } pageInfo { hasNextPage endCursor }
  }
} }"""
INVOICE = """
query($id: ID!) { invoice(id: $id) {
  number total { amount } openAmount { amount } pdfUrl status
  lines { position description amount { amount } } payments { reference amount { amount } }
  credits { reference amount { amount } }
} }"""
CREATE = """
mutation($input: CreateSupportRequestInput!) { createSupportRequest(input: $input) {
  supportRequest { id subject status invoiceNumber linePositions messages { author body }
    attachments { filename size contentType } }
  userErrors { field code message }
} }"""
THREAD = "query($id: ID!) { supportRequest(id: $id) { status messages { author body } } }"
DISPUTE = """
mutation($input: DisputeInvoiceInput!) { disputeInvoice(input: $input) {
  dispute { amount { amount currencyCode } status reasonCode } userErrors { field code message }
} }"""
BILLING = """
mutation($input: UpdateBillingDetailsInput!) { updateBillingDetails(input: $input) {
  billingDetails { address taxId billingEmail } userErrors { field code message }
} }"""
PROMISE = """
mutation($input: PromiseToPayInput!) { promiseToPay(input: $input) {
  promise { date amount { amount } status } userErrors { field code message }
} }"""


async def as_contact(browser, providers, email: str) -> None:
    await sign_in(browser, LOGIN, await person(providers["a"], email))


async def ask(browser, query: str, **variables):
    answer = await graphql(browser, "/portal/graphql", query, "portal", variables)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def test_given_a_contact_when_reading_its_account_then_the_figures_follow_the_metrics(
    browser, providers
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")

    account = (await ask(browser, ACCOUNT, id=ids.encode_id("Account", w.x.id)))["account"]

    assert account["name"] == "Xenon Retail" and account["currencyCode"] == "USD"
    assert account["balance"] == {"amount": "3550.00", "currencyCode": "USD"}
    assert account["totalOpen"]["amount"] == "3700.00"
    assert account["overdue"]["amount"] == "1200.00"
    assert account["unappliedCredit"]["amount"] == "150.00"
    assert account["nextDue"] == {
        "date": (w.today + timedelta(days=1)).isoformat(),
        "amount": {"amount": "2500.00"},
    }
    assert [(b["label"], b["amount"]["amount"]) for b in account["aging"]] == [
        ("Current", "2500.00"),
        ("1-30", "600.00"),
        ("31-60", "0.00"),
        ("61-90", "0.00"),
        ("91-120", "600.00"),
        ("121+", "0.00"),
    ]
    assert account["openDisputes"] == 0


async def test_given_filters_when_listing_invoices_then_status_search_and_pages_apply(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    async def numbers(first=20, after=None, **flt):
        data = await ask(browser, INVOICES, id=account, first=first, after=after, filter=flt or None)
        conn = data["account"]["invoices"]
        return [e["node"]["number"] for e in conn["edges"]], conn["pageInfo"]

    assert (await numbers())[0] == ["INV-X2", "INV-X4", "INV-X3", "INV-X1"]
    assert (await numbers(status="OVERDUE"))[0] == ["INV-X3", "INV-X1"]
    assert (await numbers(status="PAID"))[0] == ["INV-X4"]
    assert (await numbers(status="OPEN"))[0] == ["INV-X2", "INV-X3", "INV-X1"]
    assert (await numbers(search="po-77"))[0] == ["INV-X2"]
    assert (await numbers(**{"from": (w.today - timedelta(days=55)).isoformat()}))[0] == ["INV-X2", "INV-X4"]
    first_page, info = await numbers(first=3)
    second_page, last = await numbers(first=3, after=info["endCursor"])
    assert first_page == ["INV-X2", "INV-X4", "INV-X3"] and info["hasNextPage"]
    assert second_page == ["INV-X1"] and not last["hasNextPage"]


async def test_given_an_invoice_when_reading_it_then_lines_payments_credits_and_pdf_url_are_there(
    browser, providers
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    old, _, late, _ = w.x_invoices

    one = (await ask(browser, INVOICE, id=ids.encode_id("Invoice", old.id)))["invoice"]
    three = (await ask(browser, INVOICE, id=ids.encode_id("Invoice", late.id)))["invoice"]

    assert one["openAmount"]["amount"] == "600.00" and one["status"] == "overdue"
    assert one["lines"] == [
        {"position": 1, "description": "Resistors, reel of 5000", "amount": {"amount": "1000.00"}}
    ]
    assert [p["amount"]["amount"] for p in one["payments"]] == ["400.00"]
    assert one["pdfUrl"] == invoice_pdf_url(old.id)
    assert three["credits"] == [{"reference": "CN-X1", "amount": {"amount": "200.00"}}]
    pdf = await browser.get(one["pdfUrl"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


async def test_given_a_question_on_invoice_lines_then_staff_replies_show_but_internal_notes_never(
    browser, providers, registry
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    soon = w.x_invoices[1]
    created = (
        await ask(
            browser,
            CREATE,
            input={
                "accountId": ids.encode_id("Account", w.x.id),
                "invoiceId": ids.encode_id("Invoice", soon.id),
                "linePositions": [2],
                "subject": "Freight charge",
                "message": "Why is freight billed?",
                "attachments": [
                    {"filename": "quote.txt", "contentType": "text/plain", "contentBase64": "aGVsbG8="}
                ],
            },
        )
    )["createSupportRequest"]
    request = created["supportRequest"]
    assert created["userErrors"] == []
    assert request["invoiceNumber"] == "INV-X2" and request["linePositions"] == [2]
    assert request["attachments"] == [{"filename": "quote.txt", "size": 5, "contentType": "text/plain"}]
    staff = await system_scope("northwind")
    northwind = registry.require("northwind").config
    pk = ids.decode_id("SupportRequest", request["id"])
    await support.staff_reply(staff, northwind, pk, "Checking with the warehouse.", internal=True)
    await support.staff_reply(staff, northwind, pk, "Freight is per the agreement, clause 4.")

    thread = (await ask(browser, THREAD, id=request["id"]))["supportRequest"]

    assert thread["status"] == "waiting_on_customer"
    assert thread["messages"] == [
        {"author": "contact", "body": "Why is freight billed?"},
        {"author": "support", "body": "Freight is per the agreement, clause 4."},
    ]


async def test_given_attachments_beyond_the_tenant_limits_then_the_request_is_refused(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    base = {"accountId": ids.encode_id("Account", w.x.id), "subject": "Files", "message": "See attached"}

    wrong_type = (
        await ask(
            browser,
            CREATE,
            input=base
            | {
                "attachments": [
                    {"filename": "x.exe", "contentType": "application/x-msdownload", "contentBase64": "aGk="}
                ]
            },
        )
    )["createSupportRequest"]
    too_big = base64.b64encode(b"x" * (5 * 1024 * 1024 + 1)).decode()
    big = (
        await ask(
            browser,
            CREATE,
            input=base
            | {
                "attachments": [
                    {"filename": "big.txt", "contentType": "text/plain", "contentBase64": too_big}
                ]
            },
        )
    )["createSupportRequest"]

    assert wrong_type["userErrors"][0]["code"] == "file_type"
    assert big["userErrors"][0]["code"] == "file_too_large"


async def test_given_a_payer_or_viewer_when_disputing_then_roles_and_open_amount_decide(browser, providers):
    w = await world()
    invoice_id = ids.encode_id("Invoice", w.x_invoices[0].id)

    async def dispute(amount: str, message: str = ""):
        variables = {"invoiceId": invoice_id, "amount": amount, "reasonCode": "pricing", "message": message}
        return (await ask(browser, DISPUTE, input=variables))["disputeInvoice"]

    await as_contact(browser, providers, "vera@xenon.example")
    as_viewer = await dispute("100.00")
    assert as_viewer["userErrors"][0]["code"] == "forbidden"

    await as_contact(browser, providers, "carla@xenon.example")
    too_much = await dispute("600.01")
    opened = await dispute("250.00", "Wrong price")
    account = (await ask(browser, ACCOUNT, id=ids.encode_id("Account", w.x.id)))["account"]

    assert too_much["userErrors"][0]["field"] == ["amount"]
    assert opened["dispute"] == {
        "amount": {"amount": "250.00", "currencyCode": "USD"},
        "status": "open",
        "reasonCode": "pricing",
    }
    assert account["openDisputes"] == 1 and account["disputedAmount"]["amount"] == "250.00"


async def test_given_an_account_admin_when_changing_billing_details_then_it_is_audited_and_staff_alerted(
    browser, providers
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    account = ids.encode_id("Account", w.x.id)

    bad = (await ask(browser, BILLING, input={"accountId": account, "address": "", "billingEmail": "nope"}))[
        "updateBillingDetails"
    ]
    good = (
        await ask(
            browser,
            BILLING,
            input={
                "accountId": account,
                "address": "2 New Road\nSpringfield",
                "taxId": "US-1",
                "billingEmail": "ap@xenon.example",
            },
        )
    )["updateBillingDetails"]

    assert {tuple(e["field"]) for e in bad["userErrors"]} == {("address",), ("billingEmail",)}
    assert good["billingDetails"] == {
        "address": "2 New Road\nSpringfield",
        "taxId": "US-1",
        "billingEmail": "ap@xenon.example",
    }
    staff = await system_scope("northwind")
    events = await audit.recent(staff, action="billing.updated")
    assert events[0].details["billing_email"] == {"from": "", "to": "ap@xenon.example"}
    from app.portal import repository as portal_repository

    assert (await portal_repository.customer(staff, w.x.id)).tax_id == "US-1"
    from app.db.scoping import scoped
    from app.models import Alert

    alerts = (
        await scoped(Alert, staff).filter(rule="billing_details_changed").values("customer_id", "message")
    )
    assert alerts == [
        {"customer_id": w.x.id, "message": "carla@xenon.example changed the billing details of the account"}
    ]
    cloudly = await system_scope("cloudly")
    assert await scoped(Alert, cloudly).count() == 0


async def test_given_a_payer_when_promising_to_pay_then_the_promise_is_recorded(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    _, soon, late, _ = w.x_invoices

    made = (
        await ask(
            browser,
            PROMISE,
            input={
                "accountId": ids.encode_id("Account", w.x.id),
                "invoiceIds": [ids.encode_id("Invoice", soon.id), ids.encode_id("Invoice", late.id)],
                "date": (w.today + timedelta(days=7)).isoformat(),
                "amount": "3100.00",
            },
        )
    )["promiseToPay"]
    past = (
        await ask(
            browser,
            PROMISE,
            input={
                "accountId": ids.encode_id("Account", w.x.id),
                "invoiceIds": [ids.encode_id("Invoice", soon.id)],
                "date": (w.today - timedelta(days=7)).isoformat(),
                "amount": "1.00",
            },
        )
    )["promiseToPay"]

    assert made["promise"] == {
        "date": (w.today + timedelta(days=7)).isoformat(),
        "amount": {"amount": "3100.00"},
        "status": "open",
    }
    assert past["userErrors"][0]["field"] == ["date"]


async def test_given_a_contact_then_me_carries_the_tenant_branding(browser, providers):
    await world()
    await as_contact(browser, providers, "carla@xenon.example")

    me = (await ask(browser, "{ me { tenant { name branding { logoUrl primaryColor accentColor } } } }"))[
        "me"
    ]

    assert me["tenant"]["name"] == "Northwind Components Ltd"
    assert me["tenant"]["branding"]["primaryColor"] == "#0b5394"
    assert me["tenant"]["branding"]["accentColor"] == "#e69138"
    assert me["tenant"]["branding"]["logoUrl"].startswith("data:image/svg+xml")


async def test_given_payments_then_each_lists_its_allocations_and_a_receipt(browser, providers):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    query = """query($id: ID!) { account(id: $id) { payments {
      reference amount { amount } receiptUrl allocations { invoiceNumber amount { amount } } } } }"""

    payments = (await ask(browser, query, id=ids.encode_id("Account", w.x.id)))["account"]["payments"]
    receipt = await browser.get(payments[0]["receiptUrl"])

    assert [
        (p["reference"], p["amount"]["amount"], [a["invoiceNumber"] for a in p["allocations"]])
        for p in payments
    ] == [
        ("WIRE-150", "150.00", []),
        (payments[1]["reference"], "300.00", ["INV-X4"]),
        (payments[2]["reference"], "400.00", ["INV-X1"]),
    ]
    assert receipt.status_code == 200 and "credit on your account" in receipt.text


REPLY = """
mutation($input: ReplyToSupportRequestInput!) { replyToSupportRequest(input: $input) {
  supportRequest { status messages { author body } } userErrors { field code }
} }"""


async def test_given_staff_asked_back_when_the_contact_replies_then_the_request_is_open_again(
    browser, providers, registry
):
    w = await world()
    await as_contact(browser, providers, "carla@xenon.example")
    created = (
        await ask(
            browser,
            CREATE,
            input={"accountId": ids.encode_id("Account", w.x.id), "subject": "Q", "message": "First"},
        )
    )["createSupportRequest"]["supportRequest"]
    staff = await system_scope("northwind")
    await support.staff_reply(
        staff,
        registry.require("northwind").config,
        ids.decode_id("SupportRequest", created["id"]),
        "Which invoice?",
    )

    empty = (await ask(browser, REPLY, input={"supportRequestId": created["id"], "message": "  "}))[
        "replyToSupportRequest"
    ]
    replied = (await ask(browser, REPLY, input={"supportRequestId": created["id"], "message": "INV-X2"}))[
        "replyToSupportRequest"
    ]

    assert empty["userErrors"] == [{"field": ["message"], "code": "invalid"}]
    assert replied["supportRequest"]["status"] == "open"
    assert [m["body"] for m in replied["supportRequest"]["messages"]] == ["First", "Which invoice?", "INV-X2"]


async def test_given_a_pending_card_payment_then_the_portal_still_shows_the_invoice_open_like_the_staff_api(
    browser, providers
):
    """A payment that has not succeeded settles nothing, in the portal exactly as on the dashboard."""
    from app.models.enums import PaymentStatus

    w = await world()
    a = await system_scope("northwind")
    target = w.x_invoices[1]  # open, not yet due
    pending = await data.payment(a, w.x, w.today, target.total, (target, target.total, w.today))
    pending.status = PaymentStatus.PENDING
    await payments_repository.save(pending)  # the writer of a payment's status (refreshes the sums)
    await as_contact(browser, providers, "carla@xenon.example")

    listed = await ask(
        browser, INVOICES, id=ids.encode_id("Account", w.x.id), first=20, filter={"status": "PAID"}
    )
    detail = await ask(browser, INVOICE, id=ids.encode_id("Invoice", target.id))

    assert target.number not in [e["node"]["number"] for e in listed["account"]["invoices"]["edges"]]
    assert detail["invoice"]["openAmount"]["amount"] == detail["invoice"]["total"]["amount"]
