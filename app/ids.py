"""Opaque global IDs: base64 of "Type:pk". Clients must not build or parse them.

Decoding checks the type, and the object is then always fetched through the caller's scope, so an ID of
another tenant's object resolves to "not found" like an ID that never existed.
"""

from __future__ import annotations

import base64
import binascii

from app.errors import NotFound


def encode_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(type_name: str, global_id: str) -> int:
    """The primary key inside ``global_id``; ``NotFound`` for anything malformed or of another type."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        kind, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        if kind == type_name and pk.isdigit():
            return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise NotFound(f"no {type_name} with this id")
