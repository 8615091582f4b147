"""Builders of object types that other types point back to, found by type name.

A customer has alerts and an alert has its customer: the two types name each other. Their modules must
not import each other (tests/test_import_cycles.py), so the module that defines a type registers the
function that builds its node here (``@provides("Customer")``), and a type that returns one asks for it
by name (``build("Customer", ...)``), with the annotation given lazily (``strawberry.lazy``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_builders: dict[str, Callable[..., Any]] = {}


def provides(type_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``function`` as the builder of ``type_name`` nodes (once per type)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        if _builders.setdefault(type_name, function) is not function:
            raise RuntimeError(f"two builders of {type_name} nodes")
        return function

    return register


def build(type_name: str, *args: Any, **kwargs: Any) -> Any:
    """A node of ``type_name``; its module is imported with the schema, so its builder is here by then."""
    return _builders[type_name](*args, **kwargs)
