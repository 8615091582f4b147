"""Email settings and failures: no host means no email, a dead server never undoes the change."""

from __future__ import annotations

from app.jobs import repository as jobs_repository
from app.notifications import mail
from app.support import service as support
from app.tenancy.service import system_scope
from tests.browser import free_port
from tests.portal_data import contact_scope, world


def test_given_no_smtp_host_then_email_is_off(monkeypatch):
    monkeypatch.delenv("LEDGERPORT_SMTP_HOST", raising=False)

    assert mail.smtp_settings() is None


def test_given_the_templates_then_each_message_has_a_subject_line_and_a_body():
    subject, body = mail.render(
        "dispute_decided",
        tenant="T",
        name="N",
        invoice="INV-1",
        outcome="accepted",
        accepted="1.00 USD",
        note="ok",
        link="https://t/portal",
    )

    assert subject == "Your dispute of invoice INV-1 was accepted"
    assert "A credit note of 1.00 USD has been applied" in body and body.rstrip().endswith("https://t/portal")


async def test_given_a_mail_server_that_is_down_then_the_request_is_still_stored(
    tenants, registry, monkeypatch, caplog
):
    w = await world()
    monkeypatch.setenv("LEDGERPORT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEDGERPORT_SMTP_PORT", str(free_port()))  # nothing listens there
    carla = await contact_scope("carla@xenon.example")

    created = await support.create(carla, registry.require("northwind").config, w.x.id, "Hello", "Anyone?")

    assert (await support.thread_for_contact(carla, created.id)).messages[0].body == "Anyone?"
    # The message is a job, sent (and retried) after the commit, never inside the request.
    queued = await jobs_repository.of_kind(await system_scope("northwind"), "email.send")
    assert [(j.state.value, j.args["template"]) for j in queued] == [("queued", "new_request")]
