"""Every portal link a customer is handed (printed on an invoice or statement, in its QR code, in an email)
opens its page for a contact of that customer, and is "not found" for anyone else.

Links are read back the way a person meets them: text extracted from the real PDF with ``pdftotext``, the
QR code rendered with ``pdftoppm`` and decoded with ``zbarimg``, emails as an SMTP server received them
through the real notification path. Each is then followed on the host it names, with each contact's own
portal session.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from pypdf import PdfReader

from app.auth import invitations
from app.disputes import service as disputes
from app.documents.urls import invoice_pdf_url, statement_pdf_url
from app.models.enums import ContactRole
from app.portal import links
from app.support import service as support
from app.tenancy.service import system_scope
from tests.background import run_jobs
from tests.conftest import ROOT, require_or_skip
from tests.mailbox import body_of
from tests.oidc_fixtures import browser_for
from tests.portal_data import contact_scope, world
from tests.signin_flow import authorize, finish, person, sign_in, start

NORTHWIND_LOGIN = "/auth/northwind/portal/login"
LINK = re.compile(r"https?://\S+")


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        require_or_skip(f"{name} is not installed (apt-get install poppler-utils zbar-tools)")
    return path


def links_in(text: str) -> list[str]:
    return [link.rstrip(".,;)") for link in LINK.findall(text)]


def pdf_links(content: bytes, tmp_path: Path) -> list[str]:
    """The links printed in a PDF, as ``pdftotext`` reads them."""
    source = tmp_path / "document.pdf"
    source.write_bytes(content)
    text = subprocess.run(
        [tool("pdftotext"), str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return links_in(text)


def pdf_link_targets(content: bytes) -> list[str]:
    """Where the PDF's clickable links go (its link annotations)."""
    targets = []
    for page in PdfReader(BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def qr_codes(content: bytes, tmp_path: Path) -> list[str]:
    """What the QR codes on the PDF's first page say: the page as a PNG (``pdftoppm``), read by ``zbarimg``."""
    source = tmp_path / "scan.pdf"
    source.write_bytes(content)
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "scan"),
        ],
        check=True,
    )
    decoded = subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "scan.png")], capture_output=True, text=True
    )
    assert decoded.returncode == 0, decoded.stderr
    return decoded.stdout.split()


async def follow(client: httpx.AsyncClient, link: str, host: str | None = None) -> httpx.Response:
    """Open ``link`` as a browser would: on the host it names (or ``host``), with the client's cookies."""
    parts = urlsplit(link)
    assert parts.scheme == "https" and parts.netloc, link
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return await client.get(path, headers={"host": host or parts.netloc})


class Contacts:
    """Signed-in portal browsers: carla (admin of X), yuri (Y, same tenant) and zoe (Z, the other tenant)."""

    def __init__(self, carla, yuri, zoe):
        self.carla, self.yuri, self.zoe = carla, yuri, zoe


@pytest.fixture
async def contacts(browser, providers):
    w = await world()
    await sign_in(browser, NORTHWIND_LOGIN, await person(providers["a"], "carla@xenon.example"))
    async with browser_for(browser.app) as yuri, browser_for(browser.app) as zoe:
        await sign_in(yuri, NORTHWIND_LOGIN, await person(providers["a"], "yuri@yarrow.example"))
        await sign_in(zoe, "/auth/cloudly/portal/login", await person(providers["b"], "zoe@zephyr.example"))
        yield w, Contacts(browser, yuri, zoe)


async def assert_only_for_carla(contacts: Contacts, link: str, expected: str = "") -> str:
    """200 (with ``expected`` on the page) for carla; 404 for a contact of another customer; a contact of
    another tenant is sent to sign in on the link's host, and her own portal does not know the page.
    Returns carla's page."""
    own = await follow(contacts.carla, link)
    assert own.status_code == 200, (link, own.status_code)
    assert expected in own.text, link
    assert (await follow(contacts.yuri, link)).status_code == 404, link
    elsewhere = await follow(contacts.zoe, link)
    assert elsewhere.status_code == 303, link
    assert elsewhere.headers["location"].startswith(NORTHWIND_LOGIN), link
    assert (await follow(contacts.zoe, link, host="cloudly.localhost")).status_code == 404, link
    return own.text


async def test_given_an_invoice_pdf_then_its_printed_link_its_hyperlink_and_its_qr_code_open_the_invoice(
    contacts, registry, tmp_path
):
    w, people = contacts
    invoice = w.x_invoices[1]  # INV-X2, open

    pdf = await people.carla.get(invoice_pdf_url(invoice.id))
    printed = pdf_links(pdf.content, tmp_path)

    assert pdf.status_code == 200
    assert printed == [links.invoice(registry.require("northwind").config, invoice.id)]
    assert pdf_link_targets(pdf.content) == printed
    assert qr_codes(pdf.content, tmp_path) == printed
    await assert_only_for_carla(people, printed[0], "Invoice INV-X2")


async def test_given_a_statement_pdf_then_its_link_opens_the_accounts_statements(
    contacts, registry, tmp_path
):
    w, people = contacts

    pdf = await people.carla.get(statement_pdf_url(w.x.id))
    printed = pdf_links(pdf.content, tmp_path)

    assert pdf.status_code == 200
    assert printed == [links.statements(registry.require("northwind").config, w.x.id)]
    assert pdf_link_targets(pdf.content) == printed
    await assert_only_for_carla(people, printed[0], "<h1>Statements</h1>")


async def test_given_every_email_template_then_each_link_sent_opens_its_page_for_the_customers_contact(
    contacts, mailbox, registry
):
    w, people = contacts
    northwind = registry.require("northwind").config
    carla, staff = await contact_scope("carla@xenon.example"), await system_scope("northwind")
    invoice = w.x_invoices[0]  # INV-X1

    # A question (to support: new_request), answered (to carla: staff_reply); a dispute (which opens a
    # thread: new_request again), decided (to carla: dispute_decided).
    asked = await support.create(carla, northwind, w.x.id, "Freight?", "Why freight?", invoice_id=invoice.id)
    await support.staff_reply(staff, northwind, asked.id, "Per the agreement.")
    dispute = await disputes.open_dispute(carla, northwind, invoice.id, 5000, "pricing", "Too high")
    await disputes.decide(staff, northwind, dispute.id, "accept")
    # Carla invites a colleague (to pat: invitation), whose link is for someone not yet signed in.
    await invitations.invite(carla, w.x.id, "pat@xenon.example", ContactRole.PAYER, tenant=northwind)
    await run_jobs(registry)

    pages: dict[str, list[str]] = {}
    for message in mailbox:
        found = links_in(body_of(message))
        assert found, message["Subject"]
        if message["X-Ledgerport-Template"] == "invitation":
            landing = await follow(people.yuri, found[0])  # anyone may open it; accepting needs pat
            assert landing.status_code == 200 and "invitation=" in landing.text, found
            pages["invitation"] = [landing.text]
            continue
        for link in found:
            pages.setdefault(message["X-Ledgerport-Template"], []).append(
                await assert_only_for_carla(people, link)
            )
    expected = {
        "new_request": ["Freight?", "Dispute of invoice INV-X1"],
        "staff_reply": ["Per the agreement."],
        "dispute_decided": ["Invoice INV-X1"],
        "invitation": ["You are invited to the"],
    }
    # The scheduled statement email goes to the account's billing address, not a contact; its one link is
    # ``links.statements``, the statement PDF's own link, followed for carla in the statement PDF test
    # above (and its sending in tests/test_statement_emails.py).
    templates = {p.stem for p in (ROOT / "templates" / "email").glob("*.txt")} - {"statement"}
    assert templates == set(pages) == set(expected), "every email template is sent and its links followed"
    for template, texts in expected.items():
        for text in texts:
            assert any(text in page for page in pages[template]), (template, text)
    assert {m["To"] for m in mailbox if m["X-Ledgerport-Template"] not in ("new_request", "invitation")} == {
        "carla@xenon.example"
    }
    assert [m["To"] for m in mailbox if m["X-Ledgerport-Template"] == "invitation"] == ["pat@xenon.example"]


async def test_given_a_link_opened_before_signing_in_then_sign_in_returns_to_that_page(
    browser, providers, registry
):
    w = await world()
    link = links.invoice(registry.require("northwind").config, w.x_invoices[1].id)
    sub = await person(providers["a"], "carla@xenon.example")

    refused = await follow(browser, link)
    login = refused.headers["location"]
    callback = await finish(browser, await authorize(browser, await start(browser, login), sub))
    landing = await browser.get(callback.headers["location"])
    opened = await follow(browser, "https://northwind.localhost" + landing.headers["location"])

    assert refused.status_code == 303 and login.startswith(f"{NORTHWIND_LOGIN}?next=")
    assert landing.status_code == 303 and landing.headers["location"] == unquote(urlsplit(link).path)
    assert opened.status_code == 200 and "Invoice INV-X2" in opened.text


@pytest.mark.parametrize(
    "crafted",
    ["https://evil.example/portal/", "//evil.example/portal/", "/portal//evil.example", "/auth/x", "/\\evil"],
)
async def test_given_a_return_path_that_leaves_the_portal_then_sign_in_lands_on_the_portal_home(
    browser, providers, crafted
):
    await world()
    sub = await person(providers["a"], "carla@xenon.example")
    login = f"{NORTHWIND_LOGIN}?" + str(httpx.QueryParams({"next": crafted}))

    callback = await finish(browser, await authorize(browser, await start(browser, login), sub))
    landing = await browser.get(callback.headers["location"])
    direct = await browser.get("/auth/northwind/portal/signed-in", params={"next": crafted})

    assert landing.headers["location"] == "/portal/"
    assert direct.headers["location"] == "/portal/"


def test_given_a_portal_origin_setting_then_links_name_that_scheme_and_port(registry, monkeypatch):
    northwind = registry.require("northwind").config
    monkeypatch.setenv(links.ORIGIN_ENV, "http://{host}:8000/")

    assert links.invoice(northwind, 7) == "http://northwind.localhost:8000/portal/invoices/SW52b2ljZTo3"
    monkeypatch.delenv(links.ORIGIN_ENV)
    assert (
        links.statements(northwind, 7)
        == "https://northwind.localhost/portal/accounts/QWNjb3VudDo3/statements"
    )
