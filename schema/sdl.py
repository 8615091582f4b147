"""The committed SDL of each schema, so frontends generate clients and reviews show API changes."""

from __future__ import annotations

from pathlib import Path

from strawberry.printer import print_schema

from schema.portal.schema import build_schema as build_portal_schema
from schema.staff.schema import build_schema as build_staff_schema


def current_sdl() -> dict[str, str]:
    """File name -> SDL text, as the code defines the schemas now."""
    return {
        "staff.graphql": print_schema(build_staff_schema()) + "\n",
        "portal.graphql": print_schema(build_portal_schema()) + "\n",
    }


def write_all(directory: Path) -> list[Path]:
    written = []
    for name, text in current_sdl().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
