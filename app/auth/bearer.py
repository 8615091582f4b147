"""Bearer JWTs from a tenant's own identity provider, for single-page dashboards calling ``/graphql``.

The token must be signed by a key the tenant's staff provider publishes (JWKS, refetched when an unknown
key id appears), issued by that provider, meant for the tenant's staff client (``aud``), and unexpired.
It grants what the linked membership grants: a person must have signed in through the browser once (or
been linked otherwise) before their provider tokens open the API.
"""

from __future__ import annotations

from app.auth import oidc
from app.auth.repositories import identities
from app.errors import AuthenticationError
from app.models.enums import StaffRole
from app.scope import PrincipalKind, Scope
from app.tenancy.registry import TenantFile, TenantRegistry
from app.tenancy.service import tenant_id_for


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


def _tenant_for(tenants: TenantRegistry, claims: dict, pinned: TenantFile | None) -> TenantFile:
    """The tenant the request names (host name), else the one whose staff client the token is for."""
    issuer = str(claims.get("iss", "")).rstrip("/")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if pinned is not None:
        return pinned
    matches = [
        t
        for t in tenants
        if t.config.auth.staff is not None
        and t.config.auth.staff.issuer.rstrip("/") == issuer
        and t.config.auth.staff.client_id in audiences
    ]
    if len(matches) != 1:
        raise AuthenticationError(
            f"The token (issuer {issuer!r}, audience {audiences}) is not for any one tenant's staff sign-in",
            code="wrong_issuer",
        )
    return matches[0]


async def authenticate(
    providers: oidc.ProviderCache, tenants: TenantRegistry, token: str, pinned: TenantFile | None = None
) -> Scope:
    """The staff scope a provider-issued JWT grants; ``pinned`` is the tenant the request's host names."""
    tenant = _tenant_for(tenants, oidc.unverified_claims(token), pinned)
    config = tenant.config.auth.staff
    if config is None:
        raise AuthenticationError(f"{tenant.config.name} has no staff sign-in", code="wrong_issuer")
    issuer = config.issuer.rstrip("/")
    claims = await oidc.verify_jwt(providers, token, issuer=issuer, audience=config.client_id)
    tenant_id = await tenant_id_for(tenant.config.slug)
    membership = await identities.membership_by_subject(tenant_id, issuer, str(claims.get("sub", "")))
    if membership is None or not membership.active:
        raise AuthenticationError(
            f"This identity is not a member of {tenant.config.name}: sign in through the browser first",
            code="not_invited",
        )
    return Scope(
        tenant_id=tenant_id,
        tenant_slug=tenant.config.slug,
        kind=PrincipalKind.STAFF,
        principal=membership.user.email,
        role=StaffRole(membership.role),
        principal_id=membership.id,
    )
