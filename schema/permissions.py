"""Permission rules declared on GraphQL fields, checked before a resolver runs.

``requires("ar.read")`` names a capability from ``app.auth.permissions``; the same capability is checked
again by the service, so a rule holds for every entry point and GraphQL just rejects early. The permission
matrix test reads these declarations: a field without one fails the build.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from app.auth.permissions import PERMISSIONS, allowed
from app.errors import PermissionDenied


class HasPermission(BasePermission):
    error_extensions = {"code": "forbidden"}

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")
        self.permission = permission
        self.message = f"Your role may not do this ({permission})."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return allowed(info.context.scope, self.permission)

    def on_unauthorized(self) -> None:
        # A LedgerportError keeps its message and code through the error mask; Strawberry's own error
        # class would be masked as "Unexpected error." and the caller could not tell it was refused.
        raise PermissionDenied(self.message)


def requires(permission: str) -> list[PermissionExtension]:
    """Field extensions that reject callers whose role lacks ``permission``."""
    return [PermissionExtension(permissions=[HasPermission(permission)], use_directives=False)]


def declared_permission(field) -> str | None:
    """The permission a Strawberry field declares, if any (for the permission matrix test)."""
    for extension in getattr(field, "extensions", None) or []:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, HasPermission):
                    return permission.permission
    return None
