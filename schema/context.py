"""The per-request GraphQL context: who is calling, and request-scoped loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.audit.service import Origin
from app.scope import Scope
from app.settings import Settings
from app.tenancy.config import TenantConfig
from app.tenancy.registry import TenantRegistry


@dataclass
class Context:
    request: Request
    response: Response | None
    scope: Scope
    settings: Settings
    tenants: TenantRegistry
    # DataLoaders live here for one request only, created on first use by ``loader``.
    loaders: dict[str, Any] = field(default_factory=dict)
    #: A WebSocket's ``connection_init`` payload (credentials for subscriptions: app.web.realtime).
    connection_params: dict[str, Any] | None = None

    @property
    def origin(self) -> Origin:
        client = self.request.client
        return Origin(ip=client.host if client else "", user_agent=self.request.headers.get("user-agent", ""))

    @property
    def tenant_config(self) -> TenantConfig:
        """The caller's tenant file (aging buckets, base currency, access rules, alert thresholds)."""
        return self.tenants.require(self.scope.tenant_slug).config

    def today(self) -> date:
        """Today in the tenant's time zone: the default as-of date of every figure."""
        return self.tenant_config.today()

    def loader(self, name: str, factory):
        """The request's DataLoader called ``name``, created by ``factory(self)`` the first time."""
        existing = self.loaders.get(name)
        if existing is None:
            existing = self.loaders[name] = factory(self)
        return existing
