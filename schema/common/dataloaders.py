"""Per-request DataLoaders built from "many keys -> dict" service calls.

Every nested relation of a list goes through one of these, named ``<Thing>By<Key>Loader`` (plus the
arguments that change the answer, such as the as-of date), created on first use in the request's context
and dropped with it: nothing is cached across requests, so a newer payment is always seen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info


def batch_loader(
    info: Info, name: str, fetch: Callable[[list[Any]], Awaitable[dict[Hashable, Any]]], default: Any = None
) -> DataLoader:
    """The request's loader ``name``; ``fetch`` gets the keys of one batch and returns key -> value."""

    def factory(_context):
        async def load(keys: list[Any]) -> list[Any]:
            found = await fetch(list(keys))
            return [found.get(key, default) for key in keys]

        return DataLoader(load_fn=load)

    return info.context.loader(name, factory)
