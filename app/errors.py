"""The exception tree every layer raises from; the web and GraphQL edges translate it for users.

Expected failures carry a machine-readable ``code`` and a message safe to show to the caller.
Anything that is not a ``LedgerportError`` is a bug and is masked at the edges.
"""

from __future__ import annotations


class LedgerportError(Exception):
    """Base class of every expected, user-facing error."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class ConfigError(LedgerportError):
    """A setting or tenant file is missing or invalid; raised at start-up."""

    code = "config_error"


class AuthenticationError(LedgerportError):
    """The caller did not prove who it is (no, wrong, revoked or expired credentials)."""

    code = "unauthenticated"


class PermissionDenied(LedgerportError):
    """The caller is known but its role may not do this."""

    code = "forbidden"


class NotFound(LedgerportError):
    """The object does not exist in the caller's scope (other tenants' objects are never 'forbidden')."""

    code = "not_found"


class ValidationFailed(LedgerportError):
    """Input was rejected; ``problems`` lists every problem found, not just the first."""

    code = "invalid"

    def __init__(self, message: str, problems: list | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.problems = problems or []


class Conflict(LedgerportError):
    """The request clashes with the current state (a duplicate, a stale version)."""

    code = "conflict"
