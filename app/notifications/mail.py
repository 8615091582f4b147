"""Sending email over SMTP, configured per environment.

``LEDGERPORT_SMTP_HOST`` (unset: email is off and messages are only logged), ``LEDGERPORT_SMTP_PORT``
(default 25) and ``LEDGERPORT_SMTP_FROM``. The settings are read when a message is sent, so a process
picks up its environment; sending runs in a worker thread so the event loop never waits on a mail server,
and a failure is logged, never raised: the change the message is about is already stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.settings import PROJECT_ROOT

log = logging.getLogger("ledgerport.mail")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str


def smtp_settings() -> SmtpSettings | None:
    host = os.environ.get("LEDGERPORT_SMTP_HOST", "").strip()
    if not host:
        return None
    port = int(os.environ.get("LEDGERPORT_SMTP_PORT", "25") or 25)
    sender = os.environ.get("LEDGERPORT_SMTP_FROM", "").strip() or "ledgerport@localhost"
    return SmtpSettings(host, port, sender)


@lru_cache(maxsize=1)
def _templates() -> Environment:
    # Plain-text messages: nothing to escape, and a template that names a missing value fails loudly.
    return Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates" / "email"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def render(template: str, **values) -> tuple[str, str]:
    """(subject, body) of ``templates/email/<template>.txt``: the first line is the subject."""
    text = _templates().get_template(f"{template}.txt").render(**values)
    subject, _, body = text.partition("\n")
    return subject.removeprefix("Subject:").strip(), body.lstrip("\n")


def _send(settings: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=10) as smtp:
        smtp.send_message(message)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str  # "application/pdf"


async def send(
    to: str, template: str, *, reply_to: str = "", attachments: tuple[Attachment, ...] = (), **values
) -> bool:
    """Send one message; False when email is off, the address is empty or the server failed."""
    subject, body = render(template, **values)
    settings = smtp_settings()
    if settings is None or not to:
        log.info("email not sent (no SMTP host or no address)", extra={"template": template})
        return False
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    # Which template wrote it: for filtering at the relay, and for tests that check every template's links.
    message["X-Ledgerport-Template"] = template
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)
    for item in attachments:
        maintype, _, subtype = item.media_type.partition("/")
        message.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)
    try:
        await asyncio.to_thread(_send, settings, message)
    except (OSError, smtplib.SMTPException):
        log.exception("sending email failed", extra={"template": template})
        return False
    return True
