"""Talking to a tenant's OpenID provider: discovery, the authorization request, the code exchange, and
checking the JSON Web Tokens it signs.

Each tenant brings its own provider, so nothing here is global except a cache of what providers publish
(their metadata and signing keys). Keys are fetched again when a token names a key id we have not seen,
which is how a provider's key rotation reaches us without a restart. Every failure is an
``AuthenticationError`` whose message says what was wrong with the token, never a stack trace.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.errors import AuthenticationError, ConfigError
from app.tenancy.config import OidcClientConfig

SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
# Clock skew we tolerate between us and the provider.
LEEWAY_SECONDS = 60
# How long provider metadata is trusted before it is fetched again.
METADATA_TTL_SECONDS = 3600
# A token with an unknown key id refetches the keys at most this often (so junk tokens cannot flood the
# provider with requests).
JWKS_REFETCH_SECONDS = 10
HTTP_TIMEOUT = httpx.Timeout(10.0)


@dataclass(frozen=True)
class ClientSettings:
    """One OIDC client of one tenant, with its secret read from the environment."""

    issuer: str
    client_id: str
    client_secret: str | None
    scopes: tuple[str, ...]

    @classmethod
    def from_config(cls, config: OidcClientConfig) -> ClientSettings:
        secret = None
        if config.client_secret_env:
            secret = os.environ.get(config.client_secret_env)
            if not secret:
                raise ConfigError(
                    f"sign-in is not configured: the environment variable {config.client_secret_env} "
                    "(the OIDC client secret) is not set"
                )
        return cls(config.issuer.rstrip("/"), config.client_id, secret, tuple(config.scopes))


@dataclass
class _Provider:
    metadata: dict[str, Any]
    fetched_at: float
    keys: KeySet | None = None
    keys_fetched_at: float = 0.0


class ProviderCache:
    """What each issuer publishes, fetched on first use and kept per process."""

    def __init__(self) -> None:
        self._providers: dict[str, _Provider] = {}

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
                response = await http.get(url)
                response.raise_for_status()
                return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AuthenticationError(
                f"The identity provider could not be reached ({url}): {exc}", code="provider_unavailable"
            ) from None

    async def _provider(self, issuer: str) -> _Provider:
        cached = self._providers.get(issuer)
        if cached is not None and time.monotonic() - cached.fetched_at < METADATA_TTL_SECONDS:
            return cached
        metadata = await self._get_json(f"{issuer}/.well-known/openid-configuration")
        if metadata.get("issuer", "").rstrip("/") != issuer:
            raise AuthenticationError(
                f"The identity provider at {issuer} calls itself {metadata.get('issuer')!r}",
                code="provider_misconfigured",
            )
        provider = _Provider(metadata=metadata, fetched_at=time.monotonic())
        if cached is not None:
            provider.keys, provider.keys_fetched_at = cached.keys, cached.keys_fetched_at
        self._providers[issuer] = provider
        return provider

    async def metadata(self, issuer: str) -> dict[str, Any]:
        return (await self._provider(issuer)).metadata

    async def keys(self, issuer: str, kid: str | None, *, stale: bool = False) -> KeySet:
        """The issuer's signing keys, refetched when ``kid`` is not among them or the caller found them
        ``stale`` (a signature that did not verify): that is how key rotation reaches us."""
        provider = await self._provider(issuer)
        known = provider.keys is not None and not stale and (kid is None or _has_kid(provider.keys, kid))
        recently = time.monotonic() - provider.keys_fetched_at < JWKS_REFETCH_SECONDS
        if not known and not (provider.keys is not None and recently):
            jwks = await self._get_json(provider.metadata["jwks_uri"])
            provider.keys = KeySet.import_key_set(jwks)
            provider.keys_fetched_at = time.monotonic()
        assert provider.keys is not None
        return provider.keys


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def _header(token: str) -> dict[str, Any]:
    try:
        segment = token.split(".")[0]
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, IndexError):
        raise AuthenticationError("The token is not a signed JWT", code="invalid_token") from None


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT before its signature is checked: only to pick which tenant to check it for."""
    try:
        segment = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, IndexError):
        raise AuthenticationError("The token is not a signed JWT", code="invalid_token") from None
    if not isinstance(claims, dict):
        raise AuthenticationError("The token is not a signed JWT", code="invalid_token")
    return claims


def check_claims(
    claims: dict[str, Any],
    *,
    issuer: str,
    audience: str,
    nonce: str | None = None,
    now: float | None = None,
) -> None:
    """Refuse a token not issued by ``issuer`` for ``audience``, expired, or (when a nonce is expected)
    without the nonce of this sign-in."""
    # Wall clock: the identity provider stamps its tokens with real time, whatever app.clock says.
    now = time.time() if now is None else now  # wall clock
    if str(claims.get("iss", "")).rstrip("/") != issuer:
        raise AuthenticationError(
            f"The token was issued by {claims.get('iss')!r}, not by this tenant's identity provider",
            code="wrong_issuer",
        )
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if audience not in audiences:
        raise AuthenticationError(
            f"The token is meant for {audiences or 'no audience'}, not for this application ({audience})",
            code="wrong_audience",
        )
    if len(audiences) > 1 and claims.get("azp") not in (None, audience):
        raise AuthenticationError("The token was issued to another application", code="wrong_audience")
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        raise AuthenticationError("The token has no expiry", code="invalid_token")
    if exp + LEEWAY_SECONDS < now:
        raise AuthenticationError("The token has expired; sign in again", code="token_expired")
    if nonce is not None:
        if not claims.get("nonce"):
            raise AuthenticationError(
                "The sign-in response carried no nonce, so it cannot be tied to this sign-in",
                code="nonce_missing",
            )
        if claims["nonce"] != nonce:
            raise AuthenticationError(
                "The sign-in response belongs to another sign-in (nonce mismatch, possibly replayed)",
                code="nonce_mismatch",
            )


async def verify_jwt(
    providers: ProviderCache,
    token: str,
    *,
    issuer: str,
    audience: str,
    nonce: str | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The claims of ``token`` after checking its signature against the issuer's keys and its claims."""
    if str(unverified_claims(token).get("iss", "")).rstrip("/") != issuer:
        # Say so plainly rather than as a signature failure (the keys would not match either).
        check_claims(unverified_claims(token), issuer=issuer, audience=audience)
    kid = _header(token).get("kid")
    try:
        try:
            decoded = jwt.decode(token, await providers.keys(issuer, kid), algorithms=SIGNING_ALGORITHMS)
        except JoseError:
            # Perhaps the provider rotated its keys and the token's key has no id: fetch them again once.
            keys = await providers.keys(issuer, kid, stale=True)
            decoded = jwt.decode(token, keys, algorithms=SIGNING_ALGORITHMS)
    except JoseError as exc:
        raise AuthenticationError(
            f"The token's signature does not verify with {issuer}'s keys ({exc.error})", code="invalid_token"
        ) from None
    except ValueError:
        raise AuthenticationError("The token is not a valid signed JWT", code="invalid_token") from None
    check_claims(decoded.claims, issuer=issuer, audience=audience, nonce=nonce, now=now)
    return decoded.claims


@dataclass(frozen=True)
class AuthorizationRequest:
    """What we remember between sending the browser to the provider and its return."""

    url: str
    state: str
    nonce: str
    code_verifier: str


async def authorization_request(
    providers: ProviderCache, client: ClientSettings, redirect_uri: str
) -> AuthorizationRequest:
    """The provider URL to send the browser to: code flow with PKCE (S256), state and nonce."""
    metadata = await providers.metadata(client.issuer)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = prepare_grant_uri(
        metadata["authorization_endpoint"],
        client_id=client.client_id,
        response_type="code",
        redirect_uri=redirect_uri,
        scope=" ".join(client.scopes),
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


async def exchange_code(
    providers: ProviderCache, client: ClientSettings, redirect_uri: str, code: str, code_verifier: str
) -> dict[str, Any]:
    """Trade the authorization code for tokens at the provider's token endpoint."""
    metadata = await providers.metadata(client.issuer)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    auth = None
    if client.client_secret:
        auth = httpx.BasicAuth(client.client_id, client.client_secret)
    else:
        form["client_id"] = client.client_id
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.post(metadata["token_endpoint"], data=form, auth=auth)
        token = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise AuthenticationError(
            f"The identity provider could not be reached to redeem the sign-in code: {exc}",
            code="provider_unavailable",
        ) from None
    if response.status_code != 200 or not isinstance(token, dict):
        reason = token.get("error_description") or token.get("error") if isinstance(token, dict) else ""
        raise AuthenticationError(
            f"The identity provider refused the sign-in code ({reason or response.status_code})",
            code="code_rejected",
        )
    if "id_token" not in token:
        raise AuthenticationError("The identity provider returned no ID token", code="invalid_token")
    return token
