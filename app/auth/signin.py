"""Signing staff and contacts in through their tenant's OpenID provider.

The round trip: ``begin`` builds the provider URL (code flow, PKCE S256, state, nonce) and the state to
keep; ``complete`` checks what comes back (state, code, the ID token's signature, issuer, audience, expiry
and nonce), then hands the verified identity to ``app.auth.linking``. Every refusal is audited with
where it came from.

This runs before any scope exists, so it takes the tenant explicitly (from the route, never from the
provider's answer) and leaves all queries to the repositories.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth import linking, oidc, sessions
from app.auth.linking import PORTAL, STAFF, SignedIn
from app.errors import AuthenticationError, ConfigError
from app.tenancy.config import OidcClientConfig, TenantConfig
from app.tenancy.service import tenant_id_for

AUDIENCES = (STAFF, PORTAL)
# The browser has this long between leaving for the provider and coming back.
LOGIN_MAX_AGE_SECONDS = 600


@dataclass(frozen=True)
class LoginState:
    """What the sign-in remembers across the provider round trip (kept in a signed, short-lived cookie)."""

    tenant: str
    audience: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    started_at: float
    invitation: str | None = None
    # The portal page the contact asked for before signing in (a link from a PDF or an email).
    return_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoginState:
        return cls(**data)


def client_config(tenant: TenantConfig, audience: str) -> OidcClientConfig:
    config = tenant.auth.staff if audience == STAFF else tenant.auth.portal
    if audience not in AUDIENCES or config is None:
        raise ConfigError(f"{tenant.name} has no {audience} sign-in configured")
    return config


async def begin(
    providers: oidc.ProviderCache,
    tenant: TenantConfig,
    audience: str,
    redirect_uri: str,
    invitation: str | None = None,
    return_to: str | None = None,
) -> tuple[str, LoginState]:
    """The provider URL to send the browser to, and the state to keep until it comes back."""
    client = oidc.ClientSettings.from_config(client_config(tenant, audience))
    request = await oidc.authorization_request(providers, client, redirect_uri)
    state = LoginState(
        tenant=tenant.slug,
        audience=audience,
        state=request.state,
        nonce=request.nonce,
        code_verifier=request.code_verifier,
        redirect_uri=redirect_uri,
        started_at=time.time(),  # wall clock: a sign-in round trip's age, not a business time
        invitation=invitation,
        return_to=return_to,
    )
    return request.url, state


async def complete(
    providers: oidc.ProviderCache,
    tenant: TenantConfig,
    login: LoginState | None,
    params: dict[str, str],
    origin: Origin = NO_ORIGIN,
) -> SignedIn:
    """Finish a sign-in from the provider's redirect; refuse (and audit) anything that does not hold up."""
    tenant_id = await tenant_id_for(tenant.slug)
    audience = login.audience if login else ""
    claims: dict[str, Any] = {}
    try:
        claims, tokens = await _verified_claims(providers, tenant, login, params)
        assert login is not None
        if login.audience == STAFF:
            signed_in = await linking.sign_in_staff(tenant, tenant_id, claims, tokens, origin)
        else:
            signed_in = await linking.sign_in_contact(
                tenant, tenant_id, login.invitation, claims, tokens, origin
            )
    except AuthenticationError as exc:
        who = str(claims.get("email") or "unknown")
        await audit.record(
            linking.actor(tenant_id, tenant.slug, audience, who),
            "auth.sign_in_failed",
            details={"audience": audience, "reason": exc.code, "message": exc.message},
            origin=origin,
        )
        raise
    return signed_in


async def _verified_claims(
    providers: oidc.ProviderCache, tenant: TenantConfig, login: LoginState | None, params: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    if login is None:
        raise AuthenticationError(
            "This sign-in was not started here, or it took too long; start again", code="state_missing"
        )
    if login.tenant != tenant.slug:
        raise AuthenticationError("This sign-in was started for another tenant", code="state_mismatch")
    if params.get("error"):
        message = params.get("error_description") or params["error"]
        raise AuthenticationError(
            f"The identity provider refused the sign-in: {message}", code="provider_error"
        )
    if not params.get("state") or params["state"] != login.state:
        raise AuthenticationError(
            "The sign-in response does not match this sign-in (state mismatch); start again",
            code="state_mismatch",
        )
    if time.time() - login.started_at > LOGIN_MAX_AGE_SECONDS:  # wall clock
        raise AuthenticationError("This sign-in took too long; start again", code="state_expired")
    if not params.get("code"):
        raise AuthenticationError("The identity provider sent no sign-in code", code="code_missing")
    client = oidc.ClientSettings.from_config(client_config(tenant, login.audience))
    tokens = await oidc.exchange_code(
        providers, client, login.redirect_uri, params["code"], login.code_verifier
    )
    claims = await oidc.verify_jwt(
        providers, tokens["id_token"], issuer=client.issuer, audience=client.client_id, nonce=login.nonce
    )
    if not claims.get("sub"):
        raise AuthenticationError("The ID token names no subject", code="invalid_token")
    return claims, tokens


async def sign_out(tenant: TenantConfig, audience: str, secret: str, origin: Origin = NO_ORIGIN) -> str:
    """End the caller's session; returns its ID token (for the provider's sign-out) or ''."""
    tenant_id = await tenant_id_for(tenant.slug)
    session = await sessions.end(tenant_id, secret)
    if session is None:
        return ""
    await audit.record(
        linking.actor(tenant_id, tenant.slug, audience, session.principal),
        "auth.signed_out",
        target_type="auth_session",
        target_id=session.id,
        details={"audience": audience},
        origin=origin,
    )
    return session.id_token


async def end_session_url(
    providers: oidc.ProviderCache, tenant: TenantConfig, audience: str, id_token: str, return_to: str
) -> str | None:
    """Where to send the browser so the provider ends its session too; None when it offers no way."""
    client = client_config(tenant, audience)
    try:
        metadata = await providers.metadata(client.issuer.rstrip("/"))
    except AuthenticationError:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    query = {"post_logout_redirect_uri": return_to, "client_id": client.client_id}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(query)}"
