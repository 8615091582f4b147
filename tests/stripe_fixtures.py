"""localstripe on loopback, the tenants' Stripe keys in the environment, and signed webhook events.

``localstripe`` (a stateful fake Stripe server) runs once per session in a subprocess on a free
127.0.0.1 port; every test starts from its empty store. The demo tenants' key variables (named in
tenants/*.toml [payments]) get per-tenant test values, and ``LEDGERPORT_STRIPE_API_BASE`` points the
app's per-call Stripe clients at the fake.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT

#: Cards localstripe accepts, declines when charging, and asks to authenticate (3-D Secure).
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"
NEEDS_ACTION_CARD = "4000002760003184"

KEYS = {
    "northwind": {
        "NORTHWIND_STRIPE_SECRET_KEY": "sk_test_northwind_0001",
        "NORTHWIND_STRIPE_PUBLISHABLE_KEY": "pk_test_northwind_0001",
        "NORTHWIND_STRIPE_WEBHOOK_SECRET": "whsec_northwind_0001",
    },
    "cloudly": {
        "CLOUDLY_STRIPE_SECRET_KEY": "sk_test_cloudly_0001",
        "CLOUDLY_STRIPE_PUBLISHABLE_KEY": "pk_test_cloudly_0001",
        "CLOUDLY_STRIPE_WEBHOOK_SECRET": "whsec_cloudly_0001",
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.payments.localstripe_runner", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"localstripe did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def stripe_env(localstripe_url, monkeypatch) -> str:
    """Both tenants' Stripe keys set and the fake's store emptied; returns the fake's URL."""
    httpx.delete(f"{localstripe_url}/_config/data").raise_for_status()
    for values in KEYS.values():
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("LEDGERPORT_STRIPE_API_BASE", localstripe_url)
    monkeypatch.setenv("LEDGERPORT_STRIPE_JS_URL", f"{localstripe_url}/js.stripe.com/v3/")
    return localstripe_url


async def deliver_webhooks_to(localstripe: str, slug: str, base_url: str) -> None:
    """Have localstripe send its own signed events to the app at ``base_url`` (its hooks are global:
    a later call for the same tenant replaces the earlier one)."""
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{localstripe}/_config/webhooks/{slug}",
            data={"url": f"{base_url}/webhooks/stripe/{slug}", "secret": secret(slug, "webhook_secret")},
        )
        answer.raise_for_status()


def secret(slug: str, kind: str) -> str:
    return KEYS[slug][f"{slug.upper()}_STRIPE_{kind.upper()}"]


def signed(event: dict, webhook_secret: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers Stripe would send for ``event``, signed with ``webhook_secret``."""
    body = json.dumps(event).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(webhook_secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={stamp},v1={digest}", "Content-Type": "application/json"}


def event(event_id: str, type_: str, obj: dict, created: int | None = None) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "created": created or int(time.time()),
        "data": {"object": obj},
    }


async def pay(localstripe: str, slug: str, intent_id: str, card: str = GOOD_CARD) -> dict:
    """What Stripe.js does on "Pay": a card payment method on the intent, then confirm it."""
    auth = (secret(slug, "secret_key"), "")
    async with httpx.AsyncClient(base_url=localstripe, auth=auth) as http:
        method = await http.post(
            "/v1/payment_methods",
            data={
                "type": "card",
                "card[number]": card,
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
            },
        )
        method.raise_for_status()
        updated = await http.post(
            f"/v1/payment_intents/{intent_id}", data={"payment_method": method.json()["id"]}
        )
        updated.raise_for_status()
        confirmed = await http.post(f"/v1/payment_intents/{intent_id}/confirm")
        return confirmed.json()


async def intent(localstripe: str, slug: str, intent_id: str) -> dict:
    async with httpx.AsyncClient(base_url=localstripe, auth=(secret(slug, "secret_key"), "")) as http:
        answer = await http.get(f"/v1/payment_intents/{intent_id}")
        answer.raise_for_status()
        return answer.json()


async def intents(localstripe: str, slug: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=localstripe, auth=(secret(slug, "secret_key"), "")) as http:
        answer = await http.get("/v1/payment_intents", params={"limit": 100})
        answer.raise_for_status()
        return answer.json()["data"]


async def card_token(localstripe: str, slug: str, card: str = GOOD_CARD) -> str:
    """What ``stripe.createToken(cardElement)`` does in the browser, with the publishable key."""
    async with httpx.AsyncClient(base_url=localstripe) as http:
        answer = await http.post(
            "/v1/tokens",
            data={
                "key": secret(slug, "publishable_key"),
                "card[number]": card,
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
            },
        )
        answer.raise_for_status()
        return answer.json()["id"]
