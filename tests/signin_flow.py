"""Driving the sign-in flow step by step, as a browser would, so tests can tamper between the steps."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx


async def register_user(issuer: str, sub: str, **claims: Any) -> None:
    """Tell the mock provider who ``sub`` is (the claims its tokens will carry)."""
    async with httpx.AsyncClient() as http:
        response = await http.put(f"{issuer}/users/{sub}", json=claims)
        response.raise_for_status()


async def person(issuer: str, email: str, name: str = "", verified: bool = True) -> str:
    """A provider account for ``email``; returns its subject."""
    sub = f"sub-{email}"
    await register_user(issuer, sub, email=email, email_verified=verified, name=name or email.split("@")[0])
    return sub


async def start(browser: httpx.AsyncClient, path: str) -> str:
    """Open a login page; returns the provider authorization URL it redirects to."""
    response = await browser.get(path)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def with_params(url: str, **changes: str | None) -> str:
    """``url`` with query parameters replaced (or removed when None)."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def param(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


async def authorize(browser: httpx.AsyncClient, authorize_url: str, sub: str) -> str:
    """Pick ``sub`` on the provider's page; returns the callback URL it redirects back to."""
    response = await browser.post(authorize_url, data={"sub": sub})
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def finish(browser: httpx.AsyncClient, callback_url: str) -> httpx.Response:
    return await browser.get(callback_url)


async def sign_in(browser: httpx.AsyncClient, path: str, sub: str) -> httpx.Response:
    """The whole round trip; returns the app's answer to the callback."""
    return await finish(browser, await authorize(browser, await start(browser, path), sub))


def csrf(browser: httpx.AsyncClient, audience: str) -> str:
    return browser.cookies.get(f"lp_{audience}_csrf") or ""


async def graphql(
    browser: httpx.AsyncClient, path: str, query: str, audience: str, variables: dict | None = None, **kw
) -> httpx.Response:
    headers = {"X-CSRF-Token": csrf(browser, audience)}
    headers.update(kw.pop("headers", {}))
    return await browser.post(
        path, json={"query": query, "variables": variables or {}}, headers=headers, **kw
    )


async def provider_id_token(issuer: str, client_id: str, sub: str, nonce: str = "n-1") -> str:
    """An ID token straight from a provider for ``client_id`` (as a single-page app would hold one)."""
    redirect_uri = "https://spa.invalid/callback"
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "openid email profile",
            "state": "s",
            "nonce": nonce,
        }
    )
    async with httpx.AsyncClient() as http:
        authorized = await http.post(f"{issuer}/oauth2/authorize?{query}", data={"sub": sub})
        code = param(authorized.headers["location"], "code")
        token = await http.post(
            f"{issuer}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(client_id, "any-secret"),
        )
        token.raise_for_status()
        return token.json()["id_token"]
