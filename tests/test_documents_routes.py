"""Downloads: file names, ETag and 304 without rendering, a cache, 401 and 404, renders off the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date

import pytest

from app.documents import render, service
from app.documents.cache import rendered
from app.documents.urls import invoice_pdf_url, statement_pdf_url
from tests import documents_data as data
from tests.documents_data import pdf_text
from tests.helpers import make_token


@pytest.fixture(autouse=True)
def empty_cache():
    rendered.clear()
    yield
    rendered.clear()


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Counts real renders, so a test can tell a cached or 304 answer from a fresh one."""
    calls: list[str] = []
    real = render.render_pdf

    def counting(template, view, variant=None):
        calls.append(template)
        return real(template, view, variant)

    monkeypatch.setattr(render, "render_pdf", counting)
    return calls


async def _given_data_in_both_tenants(scope_a, scope_b):
    a = await data.worked_example(scope_a)
    inv = await data.invoice(scope_a, a, "INV-000123", date(2026, 6, 5), date(2026, 7, 5), 12345)
    # cloudly issues Factur-X e-invoices: its buyers need a tax id, a country and an address.
    b = await data.customer(
        scope_b, "B-1", "Kunde B", currency="EUR", tax_id="DE811907980", country="DE",
        billing_address="Hauptstraße 5\n80331 München",
    )  # fmt: skip
    inv_b = await data.invoice(scope_b, b, "RE-1", date(2026, 6, 5), date(2026, 7, 5), 5000)
    return a, inv, b, inv_b


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_given_a_staff_token_when_downloading_an_invoice_then_it_is_a_named_pdf_with_an_etag(
    client, scope_a, scope_b, renders
):
    _, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")

    response = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"INV-000123.pdf\"; filename*=UTF-8''INV-000123.pdf"
    )
    assert response.headers["etag"].startswith('"') and len(response.headers["etag"]) == 34
    assert "Total $123.45" in pdf_text(response.content)
    assert renders == ["invoice.html"]


async def test_given_the_etag_when_downloading_again_then_304_or_the_cache_answers_without_rendering(
    client, scope_a, scope_b, renders
):
    _, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")
    first = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))

    not_modified = await client.get(
        invoice_pdf_url(inv.id), headers={**_auth(token), "If-None-Match": first.headers["etag"]}
    )
    again = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))

    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == first.headers["etag"]
    assert again.status_code == 200 and again.content == first.content
    assert renders == ["invoice.html"]
    assert rendered.hits == 1


async def test_given_changed_data_when_downloading_with_the_old_etag_then_a_fresh_pdf_is_rendered(
    client, scope_a, scope_b, renders
):
    a, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")
    first = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))
    await data.payment(scope_a, a, date(2026, 6, 6), 345, (inv, 345, date(2026, 6, 6)))

    after = await client.get(
        invoice_pdf_url(inv.id), headers={**_auth(token), "If-None-Match": first.headers["etag"]}
    )

    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert "Balance due $120.00" in pdf_text(after.content)
    assert renders == ["invoice.html", "invoice.html"]


async def test_given_a_renamed_customer_when_downloading_the_invoice_again_then_the_cached_pdf_is_not_served(
    client, scope_a, scope_b, renders
):
    from app.models import CustomerAccount

    a, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")
    first = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))
    await CustomerAccount.filter(id=a.id).update(legal_name="Customer A Holdings")

    after = await client.get(invoice_pdf_url(inv.id), headers=_auth(token))

    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert "Customer A Holdings" in pdf_text(after.content)
    assert rendered.hits == 0 and renders == ["invoice.html", "invoice.html"]


async def test_given_a_statement_url_when_downloading_then_the_name_carries_account_and_date(
    client, scope_a, scope_b
):
    a, _, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")

    response = await client.get(
        statement_pdf_url(a.id, kind="open_item", as_of=date(2026, 6, 30)), headers=_auth(token)
    )

    assert response.status_code == 200
    assert 'filename="statement-A-100-2026-06-30.pdf"' in response.headers["content-disposition"]
    assert "Balance due as of Jun 30, 2026 $3,673.45" in pdf_text(response.content)


async def test_given_another_tenants_token_when_downloading_then_it_is_404_not_403(
    client, scope_a, scope_b, renders
):
    a, inv, _, inv_b = await _given_data_in_both_tenants(scope_a, scope_b)
    token_b = await make_token("cloudly")

    answers = [
        await client.get(invoice_pdf_url(inv.id), headers=_auth(token_b)),
        await client.get(statement_pdf_url(a.id), headers=_auth(token_b)),
        await client.get("/documents/invoices/not-an-id.pdf", headers=_auth(token_b)),
        await client.get(invoice_pdf_url(inv_b.id + 1000), headers=_auth(token_b)),
        # Raw primary keys are not ids: only the opaque ids the APIs hand out resolve.
        await client.get(f"/documents/invoices/{inv_b.id}.pdf", headers=_auth(token_b)),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404, 404]
    assert {r.json()["errors"][0]["extensions"]["code"] for r in answers} == {"not_found"}
    assert (await client.get(invoice_pdf_url(inv_b.id), headers=_auth(token_b))).status_code == 200
    assert renders == ["invoice.html"]


async def test_given_no_or_a_bad_token_when_downloading_then_401(client, scope_a, scope_b):
    _, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)

    missing = await client.get(invoice_pdf_url(inv.id))
    wrong = await client.get(invoice_pdf_url(inv.id), headers=_auth("lp_wrong-token-000000000000000000000"))

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.json()["errors"][0]["extensions"]["code"] == "invalid_token"


async def test_given_bad_statement_parameters_when_downloading_then_400_says_which(client, scope_a, scope_b):
    a, _, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")

    path = statement_pdf_url(a.id).split("?")[0]
    bad_date = await client.get(f"{path}?asOf=30.06.2026", headers=_auth(token))
    bad_kind = await client.get(f"{path}?kind=summary", headers=_auth(token))

    assert (bad_date.status_code, bad_kind.status_code) == (400, 400)
    assert "asOf" in bad_date.json()["errors"][0]["message"]


async def test_given_many_renders_at_once_when_rendering_then_they_run_off_the_loop_within_the_bound(
    scope_a, scope_b, monkeypatch
):
    a, inv, _, inv_b = await _given_data_in_both_tenants(scope_a, scope_b)
    prepared = [await service.prepare_invoice(scope_a, inv.id)]
    prepared += [
        await service.prepare_statement(scope_a, a.id, as_of=date(2026, 6, d)) for d in range(20, 26)
    ]
    prepared.append(await service.prepare_invoice(scope_b, inv_b.id))
    running, peak, threads = 0, 0, set()
    lock = threading.Lock()

    def slow_render(template, view):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.current_thread().name)
        time.sleep(0.05)
        with lock:
            running -= 1
        return b"%PDF-stand-in"

    monkeypatch.setattr(render, "render_pdf", slow_render)
    # cloudly's invoice is a Factur-X PDF/A-3: rendered through the same threads and semaphore.
    monkeypatch.setattr(
        service, "facturx_pdf", lambda template, view, _data, _lang: slow_render(template, view)
    )
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(ticker())
    documents = await asyncio.gather(*(service.render(p) for p in prepared))
    beat.cancel()

    assert len({d.etag for d in documents}) == len(prepared) == 8
    assert peak == render.MAX_CONCURRENT_RENDERS
    assert all(name.startswith("pdf-render") for name in threads)
    assert ticks >= 5  # the loop kept running while renders were busy


async def test_given_a_signed_in_contact_when_downloading_then_only_its_own_account_is_served(
    browser, providers
):
    from app.models.enums import ContactRole
    from app.tenancy.service import system_scope
    from tests import auth_data
    from tests.signin_flow import person, sign_in

    scope_a, scope_b = await system_scope("northwind"), await system_scope("cloudly")
    a, inv, _, inv_b = await _given_data_in_both_tenants(scope_a, scope_b)
    neighbour = await data.customer(scope_a, "N-1", "Neighbour Inc")
    theirs = await data.invoice(scope_a, neighbour, "INV-000200", date(2026, 6, 5), date(2026, 7, 5), 100)
    await auth_data.contact(scope_a, "ap@a.example", {a.id: ContactRole.VIEWER})
    await sign_in(browser, "/auth/northwind/portal/login", await person(providers["a"], "ap@a.example"))

    own = await browser.get(invoice_pdf_url(inv.id))
    own_statement = await browser.get(statement_pdf_url(a.id))
    refused = [
        await browser.get(invoice_pdf_url(theirs.id)),
        await browser.get(statement_pdf_url(neighbour.id)),
        await browser.get(invoice_pdf_url(inv_b.id)),
    ]

    assert own.status_code == 200 and "INV-000123" in pdf_text(own.content)
    assert own_statement.status_code == 200
    assert [r.status_code for r in refused] == [404, 404, 404]


async def test_given_the_staff_api_when_following_its_pdf_urls_then_the_documents_download(
    client, scope_a, scope_b, renders
):
    from schema.common.ids import encode_id
    from tests.helpers import gql

    a, inv, _, _ = await _given_data_in_both_tenants(scope_a, scope_b)
    token = await make_token("northwind")
    query = """query ($inv: ID!, $cust: ID!) {
      invoice(id: $inv, asOf: "2026-06-30") { number pdfUrl }
      customer(id: $cust) { statementPdfUrl(kind: "open_item", to: "2026-06-30") }
    }"""

    answer = await gql(
        client, query, token, {"inv": encode_id("Invoice", inv.id), "cust": encode_id("Customer", a.id)}
    )
    data_ = answer.json()["data"]
    invoice_pdf = await client.get(data_["invoice"]["pdfUrl"], headers=_auth(token))
    statement = await client.get(data_["customer"]["statementPdfUrl"], headers=_auth(token))

    assert invoice_pdf.status_code == 200 and data_["invoice"]["number"] in pdf_text(invoice_pdf.content)
    assert statement.status_code == 200 and "statement" in statement.headers["content-disposition"]
