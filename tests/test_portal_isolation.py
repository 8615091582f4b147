"""A contact of customer X gets "not found" for everything of customer Y and of another tenant.

The walk covers every portal query and mutation (checked against the schema, so a new root field must be
added here), every portal page and form (checked against the routes), attachment and document downloads.
"""

from __future__ import annotations

import pytest

from app.auth.repositories import identities
from app.auth.sessions import contact_scope_for
from app.documents.urls import invoice_pdf_url, statement_pdf_url
from app.support import service as support
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope
from app.web.portal import routes
from schema.common import ids
from schema.portal.schema import Mutation, Query
from tests import documents_data as documents
from tests.conftest import ROOT
from tests.portal_data import world
from tests.signin_flow import csrf, graphql, person, sign_in

QUERIES = {
    "me": None,  # no id to name: answers only the caller's own accounts (see test_signin_portal)
    "account": "query($id: ID!) { account(id: $id) { name } }",
    "invoice": "query($id: ID!) { invoice(id: $id) { number } }",
    "supportRequests": "query($id: ID!) { supportRequests(accountId: $id) { subject } }",
    "supportRequest": "query($id: ID!) { supportRequest(id: $id) { subject } }",
}
MUTATIONS = {
    "inviteContact": ("account", {"email": "spy@x.example"}),
    "updateContactDetails": None,  # changes only the caller itself
    "updateBillingDetails": ("account", {"address": "Spy Street 1"}),
    "disputeInvoice": ("invoice", {"amount": "1.00", "reasonCode": "other"}),
    "promiseToPay": ("promise", {"date": "2099-01-01", "amount": "1.00"}),
    "createSupportRequest": ("account", {"subject": "Spy", "message": "Spy"}),
    "replyToSupportRequest": ("request", {"message": "Spy"}),
    "startPayment": ("invoices", {"idempotencyKey": "spy"}),
    "confirmPayment": ("payment", {"cardToken": "tok_spy"}),
}
INPUT_TYPES = {
    "inviteContact": "InviteContactInput",
    "updateBillingDetails": "UpdateBillingDetailsInput",
    "disputeInvoice": "DisputeInvoiceInput",
    "promiseToPay": "PromiseToPayInput",
    "createSupportRequest": "CreateSupportRequestInput",
    "replyToSupportRequest": "ReplyToSupportRequestInput",
    "startPayment": "StartPaymentInput",
    "confirmPayment": "ConfirmPaymentInput",
}


def _names(merged) -> set[str]:
    from strawberry.types.base import get_object_definition

    return {f.graphql_name or _camel(f.python_name) for f in get_object_definition(merged).fields}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def test_the_walk_names_every_portal_query_and_mutation():
    assert _names(Query) == set(QUERIES)
    assert _names(Mutation) == set(MUTATIONS)


async def _others():
    """Customer Y (same tenant) and Z (Cloudly) with an invoice, a support request and an attachment each."""
    w = await world()
    a, b = await system_scope("northwind"), await system_scope("cloudly")
    out = {}
    for scope, email, account, invoice, slug in (
        (a, "yuri@yarrow.example", w.y, w.y_invoice, "northwind"),
        (b, "zoe@zephyr.example", w.z, w.z_invoice, "cloudly"),
    ):
        contact = await identities.contact_by_email(scope.tenant_id, email)
        theirs = await contact_scope_for(scope.tenant_id, slug, contact.id, email)

        config = TenantRegistry.load(ROOT / "tenants").require(slug).config
        request = await support.create(
            theirs,
            config,
            account.id,
            "Theirs",
            "Secret",
            invoice_id=invoice.id,
            attachments=[("secret.txt", "text/plain", b"secret")],
        )
        attachment = (await support.attachments_of(theirs, request.id))[0]
        paid = await documents.payment(scope, account, w.today, 100, (invoice, 100, w.today))
        out[slug] = {
            "account": account.id,
            "invoice": invoice.id,
            "request": request.id,
            "attachment": attachment["id"],
            "payment": paid.id,
        }
    return w, out


def _opaque(kind: str, pk: int) -> str:
    return ids.encode_id(kind, pk)


async def test_given_a_contact_of_x_then_every_portal_query_and_mutation_of_y_or_tenant_b_is_not_found(
    browser, providers
):
    w, others = await _others()
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )
    mine = _opaque("Account", w.x.id)
    checked = 0
    for slug, theirs in others.items():
        targets = {
            "account": _opaque("Account", theirs["account"]),
            "invoice": _opaque("Invoice", theirs["invoice"]),
            "request": _opaque("SupportRequest", theirs["request"]),
            "payment": _opaque("Payment", theirs["payment"]),
        }
        for field, query in QUERIES.items():
            if query is None:
                continue
            kind = {"account": "account", "supportRequests": "account", "invoice": "invoice"}.get(
                field, "request"
            )
            answer = (
                await graphql(browser, "/portal/graphql", query, "portal", {"id": targets[kind]})
            ).json()
            assert answer["data"] is None or answer["data"].get(field) is None, (slug, field, answer)
            assert answer["errors"][0]["extensions"]["code"] == "not_found", (slug, field, answer)
            checked += 1
        for field, spec in MUTATIONS.items():
            if spec is None:
                continue
            target, extra = spec
            variants = {
                "account": [{"accountId": targets["account"]}],
                "invoice": [{"invoiceId": targets["invoice"]}],
                "request": [{"supportRequestId": targets["request"]}],
                "invoices": [{"invoiceIds": [targets["invoice"]]}],
                "payment": [{"paymentId": targets["payment"]}],
                "promise": [
                    {"accountId": targets["account"], "invoiceIds": [targets["invoice"]]},
                    {"accountId": mine, "invoiceIds": [targets["invoice"]]},
                ],
            }[target]
            if field == "createSupportRequest":
                variants.append({"accountId": mine, "invoiceId": targets["invoice"]})
            for ids_part in variants:
                query = (
                    f"mutation($input: {INPUT_TYPES[field]}!) {{ {field}(input: $input) "
                    "{ userErrors { code } } }"
                )
                answer = (
                    await graphql(browser, "/portal/graphql", query, "portal", {"input": ids_part | extra})
                ).json()
                assert answer["data"][field]["userErrors"] == [{"code": "not_found"}], (
                    slug,
                    field,
                    ids_part,
                    answer,
                )
                checked += 1
    assert checked == 2 * (4 + 10)


def _page_urls(theirs: dict) -> dict[str, list[tuple[str, str]]]:
    account = _opaque("Account", theirs["account"])
    invoice = _opaque("Invoice", theirs["invoice"])
    request = _opaque("SupportRequest", theirs["request"])
    return {
        "/portal/accounts/{account}": [("GET", f"/portal/accounts/{account}")],
        "/portal/accounts/{account}/invoices": [("GET", f"/portal/accounts/{account}/invoices")],
        "/portal/accounts/{account}/payments": [("GET", f"/portal/accounts/{account}/payments")],
        "/portal/accounts/{account}/statements": [("GET", f"/portal/accounts/{account}/statements")],
        "/portal/accounts/{account}/support": [("GET", f"/portal/accounts/{account}/support")],
        "/portal/accounts/{account}/support/new": [("POST", f"/portal/accounts/{account}/support/new")],
        "/portal/accounts/{account}/invite": [("POST", f"/portal/accounts/{account}/invite")],
        "/portal/accounts/{account}/billing": [
            ("GET", f"/portal/accounts/{account}/billing"),
            ("POST", f"/portal/accounts/{account}/billing"),
        ],
        "/portal/invoices/{invoice}": [("GET", f"/portal/invoices/{invoice}")],
        "/portal/payments/{payment}": [("GET", f"/portal/payments/{_opaque('Payment', theirs['payment'])}")],
        "/portal/invoices/{invoice}/ask": [("POST", f"/portal/invoices/{invoice}/ask")],
        "/portal/invoices/{invoice}/dispute": [("POST", f"/portal/invoices/{invoice}/dispute")],
        "/portal/support/{request}": [("GET", f"/portal/support/{request}")],
        "/portal/support/{request}/reply": [("POST", f"/portal/support/{request}/reply")],
        "/portal/attachments/{attachment}": [
            ("GET", f"/portal/attachments/{_opaque('Attachment', theirs['attachment'])}")
        ],
        "/portal/switch": [("GET", f"/portal/switch?account={account}")],
        "/portal/accounts/{account}/pay": [("GET", f"/portal/accounts/{account}/pay")],
        "/portal/payments/{payment}/receipt": [
            ("GET", f"/portal/payments/{_opaque('Payment', theirs['payment'])}/receipt")
        ],
        "documents": [
            ("GET", invoice_pdf_url(theirs["invoice"])),
            ("GET", statement_pdf_url(theirs["account"])),
            ("GET", f"/documents/invoices/{theirs['invoice']}.pdf"),
        ],
    }


# Pages without an object of someone else to name: they show only the caller's own data.
OWN_ONLY = {"/portal/", "/portal", "/portal/profile", "/portal/join/{tenant}"}


async def test_given_a_contact_of_x_then_every_portal_page_form_and_download_of_y_or_tenant_b_is_404(
    browser, providers
):
    _w, others = await _others()
    await sign_in(
        browser, "/auth/northwind/portal/login", await person(providers["a"], "carla@xenon.example")
    )
    token = csrf(browser, "portal")
    form = {
        "csrf_token": token,
        "subject": "Spy",
        "message": "Spy",
        "amount": "1",
        "reason": "other",
        "address": "x",
    }
    for slug, theirs in others.items():
        urls = _page_urls(theirs)
        assert {r.path for r in routes.routes()} - OWN_ONLY == set(urls) - {"documents"}
        for _template, calls in urls.items():
            for method, url in calls:
                response = await (browser.get(url) if method == "GET" else browser.post(url, data=form))
                assert response.status_code == 404, (slug, method, url, response.status_code)
                assert b"Spy" not in response.content and b"Secret" not in response.content


@pytest.mark.parametrize("path", ["/portal/", "/portal/accounts/x"])
async def test_given_no_session_then_pages_send_the_browser_to_sign_in(client, path):
    response = await client.get(path)

    assert response.status_code == 401 and "Sign in to the customer portal" in response.text
