"""Which URLs an endpoint may have: the guard against a tenant admin pointing our server at our own
network (server-side request forgery).

In production only ``https`` to public addresses: every address the host name resolves to is checked
with ``ipaddress`` (loopback, private, link-local, the 169.254.169.254 metadata service, multicast,
reserved, unspecified, shared and documentation ranges are refused), at creation and again before every
try, and the request then goes to the address that was checked (no second lookup a DNS rebinding could
answer differently). Redirects are never followed. Development and test also allow ``http`` and
loopback, so a receiver on the developer's machine (or a test's) works.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.errors import ValidationFailed
from app.settings import get_settings

MAX_URL_LENGTH = 2000


class UnsafeUrl(ValidationFailed):
    """A URL an endpoint may not have; ``code`` says which rule it broke."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code, field="url")


def production() -> bool:
    """Whether the strict rules apply: the process runs with ``LEDGERPORT_ENV=production``."""
    return get_settings().is_production


@dataclass(frozen=True)
class Target:
    """Where a try goes: the URL as registered, its host, and the address that passed the check."""

    url: str
    host: str
    port: int
    address: str


def parse(url: str, *, production: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL, or ``UnsafeUrl``; no lookup yet."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"a URL of at most {MAX_URL_LENGTH} characters", "too_long")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeUrl("not a URL", "invalid_url") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("an http(s) URL with a host name, like https://erp.example.com/hooks", "invalid_url")
    if parts.username or parts.password:
        raise UnsafeUrl(
            "credentials in the URL are not allowed: they would be stored and logged", "invalid_url"
        )
    if production and parts.scheme != "https":
        raise UnsafeUrl("only https URLs are allowed in production", "https_required")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refusal(address: str, *, production: bool) -> UnsafeUrl | None:
    """Why ``address`` may not be called, or None."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if not production else UnsafeUrl(f"{address} is a loopback address", "loopback_address")
    if ip.is_link_local:
        # 169.254.0.0/16 holds the cloud metadata service (169.254.169.254): never, in any environment.
        return UnsafeUrl(f"{address} is a link-local (metadata) address", "link_local_address")
    if not production:
        return None
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        return UnsafeUrl(f"{address} is not a public address", "private_address")
    return None


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a literal address is itself)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"the host name {host!r} does not resolve", "unresolvable_host") from None
    return sorted({info[4][0] for info in infos})


async def check(url: str, *, production: bool) -> Target:
    """The target of ``url`` after resolving it, or ``UnsafeUrl`` when any of its addresses is refused
    (one bad address among good ones is refused too: the connection could pick it)."""
    _, host, port = parse(url, production=production)
    addresses = await resolve(host, port)
    for address in addresses:
        if (problem := refusal(address, production=production)) is not None:
            raise problem
    return Target(url=url.strip(), host=host, port=port, address=addresses[0])
