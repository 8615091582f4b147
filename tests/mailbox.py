"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, with the app pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.browser import free_port


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(monkeypatch) -> Iterator[list[Message]]:
    """Messages sent by the app during the test, in order."""
    keeper = _Keeper()
    port = free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LEDGERPORT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEDGERPORT_SMTP_PORT", str(port))
    monkeypatch.setenv("LEDGERPORT_SMTP_FROM", "portal@ledgerport.test")
    try:
        yield keeper.messages
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()
