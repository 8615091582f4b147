"""Throw-away PostgreSQL databases for tests and benchmarks: created with a unique name, dropped after.

Each run gets its own database so parallel runs (several engineers, CI jobs) never share state.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit


async def create_database(base_url: str, prefix: str) -> tuple[str, str]:
    """Create ``<prefix>_<random>`` on the server of ``base_url``; returns (its URL, the admin URL)."""
    import asyncpg

    parts = urlsplit(base_url.replace("postgresql://", "postgres://", 1))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", "")), admin_url


async def drop_database(admin_url: str, url: str) -> None:
    """Drop the database of ``url``, disconnecting whoever is still on it."""
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
