"""Opaque IDs: a typed, encoded key that is always resolved through the caller's scope."""

from __future__ import annotations

import base64

from app.errors import NotFound


def encode(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode().rstrip("=")


def decode(kind: str, opaque: str) -> int:
    """The primary key inside ``opaque``; anything malformed or of another kind is simply not found."""
    try:
        raw = base64.urlsafe_b64decode(opaque + "=" * (-len(opaque) % 4)).decode()
        found_kind, _, pk = raw.partition(":")
        if found_kind == kind:
            return int(pk)
    except ValueError:
        pass
    raise NotFound(f"{kind} not found")
