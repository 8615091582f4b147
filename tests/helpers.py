"""Small helpers shared by tests: GraphQL calls and token creation."""

from __future__ import annotations

from typing import Any

import httpx

from app.auth import tokens as token_service
from app.models.enums import StaffRole
from app.tenancy.service import system_scope


async def make_token(slug: str, role: StaffRole = StaffRole.ADMIN, name: str | None = None, **kwargs) -> str:
    scope = await system_scope(slug, principal="test")
    _, secret = await token_service.create_token(
        scope, name=name or f"{role.value}-token", role=role, **kwargs
    )
    return secret


async def gql(
    client: httpx.AsyncClient,
    query: str,
    token: str | None,
    variables: dict[str, Any] | None = None,
    path: str = "/graphql",
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post(path, json={"query": query, "variables": variables or {}}, headers=headers)
