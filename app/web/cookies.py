"""The cookies of sign-in: the short-lived login state, the session, and the CSRF token beside it.

Cookie values are signed with the app's secret key (itsdangerous), so a browser cannot forge or alter
them; the session cookie carries only its tenant and a random secret whose hash the server looks up.
Session cookies are HttpOnly and SameSite=Lax, and Secure everywhere but local development.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from app.auth.sessions import ABSOLUTE_TIMEOUT
from app.auth.signin import LOGIN_MAX_AGE_SECONDS, LoginState
from app.settings import Environment, Settings

LOGIN_COOKIE = "lp_login"
SESSION_COOKIES = {"staff": "lp_staff", "portal": "lp_portal"}
CSRF_COOKIES = {"staff": "lp_staff_csrf", "portal": "lp_portal_csrf"}
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class SessionCookie:
    tenant_id: int
    tenant_slug: str
    secret: str


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.effective_secret_key, salt=f"ledgerport.{purpose}")


def _secure(settings: Settings) -> bool:
    return settings.env != Environment.DEVELOPMENT


def csrf_token(settings: Settings, session_secret: str) -> str:
    """The CSRF token bound to one session: an HMAC of its secret, so it changes with every sign-in."""
    key = settings.effective_secret_key.encode()
    return hmac.new(key, b"csrf:" + session_secret.encode(), hashlib.sha256).hexdigest()


def csrf_ok(settings: Settings, session_secret: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(settings, session_secret), presented or "")


def set_login(response: Response, settings: Settings, login: LoginState) -> None:
    value = _serializer(settings, "login").dumps(login.to_dict())
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=LOGIN_MAX_AGE_SECONDS,
        path="/auth/",
        httponly=True,
        secure=_secure(settings),
        samesite="lax",
    )


def read_login(request: Request, settings: Settings) -> LoginState | None:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw:
        return None
    try:
        return LoginState.from_dict(_serializer(settings, "login").loads(raw, max_age=LOGIN_MAX_AGE_SECONDS))
    except (BadSignature, TypeError, ValueError):
        return None


def clear_login(response: Response) -> None:
    response.delete_cookie(LOGIN_COOKIE, path="/auth/")


def set_session(
    response: Response, settings: Settings, audience: str, tenant_id: int, tenant_slug: str, secret: str
) -> None:
    value = _serializer(settings, f"session.{audience}").dumps([tenant_id, tenant_slug, secret])
    max_age = int(ABSOLUTE_TIMEOUT.total_seconds())
    secure = _secure(settings)
    response.set_cookie(
        SESSION_COOKIES[audience],
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=secure,
        samesite="lax",
    )
    # Readable by the page's own scripts (that is the point), useless to a cross-site form.
    response.set_cookie(
        CSRF_COOKIES[audience],
        csrf_token(settings, secret),
        max_age=max_age,
        path="/",
        httponly=False,
        secure=secure,
        samesite="lax",
    )


def read_session(request: Request, settings: Settings, audience: str) -> SessionCookie | None:
    raw = request.cookies.get(SESSION_COOKIES[audience])
    if not raw:
        return None
    try:
        tenant_id, slug, secret = _serializer(settings, f"session.{audience}").loads(raw)
        return SessionCookie(int(tenant_id), str(slug), str(secret))
    except (BadSignature, TypeError, ValueError):
        return None


def clear_session(response: Response, audience: str) -> None:
    response.delete_cookie(SESSION_COOKIES[audience], path="/")
    response.delete_cookie(CSRF_COOKIES[audience], path="/")
