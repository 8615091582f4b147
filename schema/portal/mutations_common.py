"""What every portal mutation needs: the request's origin for audit rows and the tenant's settings."""

from __future__ import annotations

from app.audit.service import Origin
from app.tenancy.config import TenantConfig


def origin_of(context) -> Origin:
    return context.origin


def tenant_of(context) -> TenantConfig:
    return context.tenants.require(context.scope.tenant_slug).config
