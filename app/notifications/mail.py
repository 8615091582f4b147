"""Sending email over SMTP, configured per environment.

``LEDGERPORT_SMTP_HOST`` (unset: email is off and messages are only logged), ``LEDGERPORT_SMTP_PORT``
(default 25) and ``LEDGERPORT_SMTP_FROM``. The settings are read when a message is sent, so a process
picks up its environment; sending runs in a worker thread so the event loop never waits on a mail server.
Messages are sent by the ``email.send`` job (``app.notifications.delivery``), never inside a request: a
relay that is down delays the message and the job retries it, the change it is about is already stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
from dataclasses import dataclass
from email import policy
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


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str  # "application/pdf"


def build(
    settings: SmtpSettings,
    to: str,
    template: str,
    *,
    reply_to: str = "",
    attachments: tuple[Attachment, ...] = (),
    **values,
) -> EmailMessage:
    """The message of ``templates/email/<template>.txt`` to ``to``, with its attachments."""
    subject, body = render(template, **values)
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
    return message


class SmtpRefused(Exception):
    """The relay did not take the message (or could not be reached); the text is its answer."""


def _transmit(settings: SmtpSettings, message: EmailMessage) -> str:
    """One SMTP conversation, step by step so the relay's answer to DATA is what we keep."""

    def step(answer: tuple[int, bytes], *accepted: int) -> str:
        code, reply = answer
        text = f"{code} {reply.decode(errors='replace')}".strip()
        if code not in accepted:
            raise SmtpRefused(text)
        return text

    with smtplib.SMTP(settings.host, settings.port, timeout=10) as smtp:
        smtp.ehlo_or_helo_if_needed()
        step(smtp.mail(settings.sender), 250)
        step(smtp.rcpt(str(message["To"])), 250, 251)
        # SMTP lines end in CRLF: smtplib.data() fixes line ends of a str but sends bytes as they are,
        # and a relay reads a message flattened with bare LFs as one line (refused past 1,000 bytes).
        return step(smtp.data(message.as_bytes(policy=policy.SMTP)), 250)


async def transmit(settings: SmtpSettings, message: EmailMessage) -> str:
    """Hand one message to the relay in a worker thread; the relay's answer, or ``SmtpRefused``."""
    try:
        return await asyncio.to_thread(_transmit, settings, message)
    except smtplib.SMTPResponseException as exc:
        raise SmtpRefused(f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpRefused(f"{type(exc).__name__}: {exc}") from exc
