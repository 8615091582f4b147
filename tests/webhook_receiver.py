"""A webhook receiver on loopback, and the Standard Webhooks reference verifier ported as the test's
independent check of our signatures.

``receiver`` serves a tiny Starlette app under uvicorn on a free loopback port in the test's event loop.
It records every request (headers and raw body) and answers from ``plan``: a list of status codes used
one per request (then 200), so "fails the first 3 attempts, then answers 200" is ``plan = [500, 500, 500]``.

``verify`` is a port of ``Webhook.verify`` of the reference library
(standard-webhooks/standard-webhooks, libraries/python/standardwebhooks/webhooks.py, MIT): same secret
decoding, same signed content, same header parsing and constant-time comparison, same 5-minute
tolerance, with ``now`` passed in (our clock is frozen in tests) instead of read from the system.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import floor

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app import clock

TOLERANCE = timedelta(minutes=5)


class WebhookVerificationError(Exception):
    pass


def _reference_secret(whsecret: str) -> bytes:
    if whsecret.startswith("whsec_"):
        whsecret = whsecret[len("whsec_") :]
    return base64.b64decode(whsecret + "==")


def reference_sign(whsecret: str, msg_id: str, timestamp: datetime, data: str) -> str:
    timestamp_str = str(floor(timestamp.replace(tzinfo=UTC).timestamp()))
    to_sign = f"{msg_id}.{timestamp_str}.{data}".encode()
    signature = hmac.new(_reference_secret(whsecret), to_sign, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(signature).decode('utf-8')}"


def verify(whsecret: str, data: bytes | str, headers: dict[str, str], *, now: datetime) -> object:
    """The reference ``Webhook(whsecret).verify(data, headers)``: the parsed JSON, or raises."""
    data = data if isinstance(data, str) else data.decode()
    headers = {k.lower(): v for (k, v) in headers.items()}
    msg_id = headers.get("webhook-id")
    msg_signature = headers.get("webhook-signature")
    msg_timestamp = headers.get("webhook-timestamp")
    if not (msg_id and msg_timestamp and msg_signature):
        raise WebhookVerificationError("Missing required headers")
    try:
        timestamp = datetime.fromtimestamp(float(msg_timestamp), tz=UTC)
    except Exception:
        raise WebhookVerificationError("Invalid Signature Headers") from None
    if timestamp < (now - TOLERANCE):
        raise WebhookVerificationError("Message timestamp too old")
    if timestamp > (now + TOLERANCE):
        raise WebhookVerificationError("Message timestamp too new")
    expected_sig = base64.b64decode(reference_sign(whsecret, msg_id, timestamp, data).split(",")[1])
    for versioned_sig in msg_signature.split(" "):
        (version, signature) = versioned_sig.split(",")
        if version != "v1":
            continue
        if hmac.compare_digest(expected_sig, base64.b64decode(signature)):
            return json.loads(data)
    raise WebhookVerificationError("No matching signature found")


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    query: str
    at: datetime  # by the app's clock (frozen in tests), for the verifier's tolerance


@dataclass
class Receiver:
    url: str
    plan: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    reply: str = "ok"
    delay: float = 0.0  # seconds to wait before answering (a slow receiver)
    statuses: list[int] = field(default_factory=list)

    def accepted(self) -> list[Received]:
        """The requests answered with a 2xx (what the receiver's application saw)."""
        return [r for r, s in zip(self.received, self.statuses, strict=True) if 200 <= s < 300]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    import uvicorn

    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}/hooks")

    async def hook(request: Request) -> PlainTextResponse:
        state.received.append(
            Received(dict(request.headers), await request.body(), request.url.query, clock.now())
        )
        status = state.plan.pop(0) if state.plan else 200
        if state.delay:
            await asyncio.sleep(state.delay)
        state.statuses.append(status)
        return PlainTextResponse(state.reply, status_code=status)

    app = Starlette(routes=[Route("/hooks", hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.025)
    if not server.started:
        task.cancel()
        raise RuntimeError("the webhook receiver did not start")
    try:
        yield state
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
