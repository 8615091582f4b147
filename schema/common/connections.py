"""Relay connections with opaque cursors and a hard maximum page size.

Cursors encode the position in the ordered result ("offset:n", base64): lists here are ordered by
computed figures (net balance, priority), for which keyset cursors would need the figure itself.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from app.errors import ValidationFailed
from app.ids import MAX_INT, plain_int

T = TypeVar("T")
N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset in a cursor; an offset no list reaches (2^63 overflowed the database) is invalid."""
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor[:64].encode()).decode().partition(":")
        offset = plain_int(value) if kind == "offset" and len(cursor) <= 64 else None
        if offset is not None:
            return offset
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationFailed("invalid cursor", field="after", code="invalid_cursor")


def bounded_first(first: int, maximum: int, *, minimum: int = 0) -> int:
    """``first`` of a list that is not a connection (a short list, an offset-paged portal list): above
    the list's hard maximum it is an error, never a silent cut and never an unbounded query."""
    if not minimum <= first <= maximum:
        raise ValidationFailed(
            f"first must be between {minimum} and {maximum}", field="first", code="page_size"
        )
    return first


def bounded_offset(offset: int) -> int:
    if not 0 <= offset <= MAX_INT:
        raise ValidationFailed(
            f"offset must be between 0 and {MAX_INT}", field="offset", code="invalid_offset"
        )
    return offset


@dataclass(frozen=True)
class Page:
    """Which slice a ``first/after`` pair asks for."""

    offset: int
    limit: int


def page_of(first: int | None, after: str | None, max_page_size: int) -> Page:
    """The slice for ``first/after``; ``first`` above the hard maximum is an error, not a silent cut."""
    size = max_page_size if first is None else first
    if size < 0 or size > max_page_size:
        raise ValidationFailed(
            f"first must be between 0 and {max_page_size}", field="first", code="page_size"
        )
    offset = decode_cursor(after) + 1 if after else 0
    return Page(offset=offset, limit=size)


def connection_of(items: Sequence[N], page: Page, total: int, to_node: Callable[[N], T]) -> Connection[T]:
    """A connection over ``items`` (the rows of ``page``, already fetched) out of ``total``."""
    edges = [Edge(node=to_node(item), cursor=encode_cursor(page.offset + n)) for n, item in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.offset + len(items) < total,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
