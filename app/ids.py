"""Opaque global IDs: base64 of "Type:pk". Clients must not build or parse them.

Decoding checks the type, and the object is then always fetched through the caller's scope, so an ID of
another tenant's object resolves to "not found" like an ID that never existed. A key no row can have
(zero, above the 32-bit integer columns the keys live in, written with leading zeros or non-ASCII
digits) is "not found" at once: passed on, 2^70 overflowed the database driver into a 500.
"""

from __future__ import annotations

import base64
import binascii

from app.errors import NotFound

#: Every table behind an opaque id has a 32-bit integer key (``IntField`` primary keys); list offsets in
#: cursors and page links are bounded the same way (no list has two billion rows).
MAX_INT = 2**31 - 1


def plain_int(text: str) -> int | None:
    """The integer ``text`` writes the one way this server writes integers (ASCII digits, no sign, no
    leading zero), when it fits a 32-bit column; else None."""
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    if len(text) > 1 and text[0] == "0":
        return None
    value = int(text)
    return value if value <= MAX_INT else None


def is_key(text: str) -> bool:
    """Whether ``text`` is a primary key as ``encode_id`` writes it."""
    value = plain_int(text)
    return value is not None and value > 0


def encode_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(type_name: str, global_id: str) -> int:
    """The primary key inside ``global_id``; ``NotFound`` for anything malformed or of another type."""
    try:
        if len(global_id) > 64:  # "SupportRequest:2147483647" encodes to 36 characters
            raise ValueError(global_id[:16])
        padded = global_id + "=" * (-len(global_id) % 4)
        kind, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        if kind == type_name and is_key(pk):
            return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise NotFound(f"no {type_name} with this id")
