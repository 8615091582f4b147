"""Small helpers shared by tests: GraphQL calls and token creation."""

from __future__ import annotations

from typing import Any

import httpx

from app.auth import tokens as token_service
from app.models.enums import StaffRole
from app.settings import Environment, Settings
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


async def staff_api(base: str, token: str, query: str, **variables) -> dict:
    """A query's data from a live server (a browser test's ``live_server``), asserting it had no errors."""
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


def production_settings(settings: Settings) -> Settings:
    """The test settings as production runs them: no GraphiQL, no introspection, a real secret key."""
    return Settings(
        env=Environment.PRODUCTION,
        database_url=settings.database_url,
        tenants_dir=settings.tenants_dir,
        secret_key="x" * 40,
        graphiql=False,
    )
