"""Signing per the Standard Webhooks specification (https://www.standardwebhooks.com/).

A secret is ``whsec_`` + base64 of 32 random bytes; the signature is ``v1,`` + base64 of HMAC-SHA256 over
``<webhook-id>.<webhook-timestamp>.<body>`` with the decoded bytes. Several signatures go in one header,
separated by spaces: that is how a rotated endpoint signs with its old and its new secret at once, so a
receiver may switch secrets at any time during the overlap. Our own code rather than the
``standardwebhooks`` package (not installable here); tests/test_webhooks_signing.py checks it against
the specification's published vectors and a port of the reference verifier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret: shown to the admin once, stored for signing, never logged."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    raw = secret.removeprefix(PREFIX)
    return base64.b64decode(raw + "=" * (-len(raw) % 4))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,<base64>`` signature of ``body`` sent as ``message_id`` at ``timestamp`` (UNIX seconds)."""
    digest = hmac.new(_key(secret), f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Iterable[str], message_id: str, moment: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret given (newest first)."""
    timestamp = int(moment.timestamp())
    signatures = " ".join(sign(s, message_id, timestamp, body) for s in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
