"""One POST of a signed body to an endpoint, bounded in every way a receiver could abuse.

The URL is checked again (``urls.check``) right before the request; in production the connection goes
to the very address that passed, with the host name kept for the ``Host`` header and TLS (SNI and
certificate), so a DNS answer that changed since the check cannot steer it inward. Redirects are not
followed (a 3xx is a failed try, like any non-2xx), the whole try has a timeout, and at most
``MAX_RESPONSE_BYTES`` of the answer are read, of which the first kilobyte is kept for the log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from app.webhooks import urls

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_RESPONSE_BYTES = 64 * 1024
KEPT_BYTES = 1024


@dataclass(frozen=True)
class Answer:
    """What a try came to: the status (None when nothing came back), the first KB, the error."""

    status: int | None
    body: str
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _pinned(target: urls.Target) -> tuple[str, dict[str, str], dict]:
    """The URL with the checked address in place of the host, its Host header and TLS server name."""
    parts = urlsplit(target.url)
    address = f"[{target.address}]" if ":" in target.address else target.address
    netloc = f"{address}:{target.port}"
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    default_port = 443 if parts.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    return url, {"host": host}, {"sni_hostname": target.host}


async def post(url: str, body: str, headers: dict[str, str], *, production: bool) -> Answer:
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        target = await urls.check(url, production=production)
    except urls.UnsafeUrl as exc:
        return Answer(None, "", elapsed(), f"refused: {exc.code}: {exc.message}")
    send_to, extra_headers, extensions = (url, {}, {}) if not production else _pinned(target)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
            request = client.build_request(
                "POST",
                send_to,
                content=body.encode(),
                headers={**headers, **extra_headers, "user-agent": "Ledgerport-Webhooks/1"},
                extensions=extensions,
            )
            response = await client.send(request, stream=True)
            try:
                kept = bytearray()
                async for chunk in response.aiter_raw():
                    kept += chunk
                    if len(kept) >= MAX_RESPONSE_BYTES:
                        break
            finally:
                await response.aclose()
    except httpx.HTTPError as exc:
        return Answer(None, "", elapsed(), f"{type(exc).__name__}: {exc}"[:500])
    text = bytes(kept[:KEPT_BYTES]).decode("utf-8", errors="replace")
    return Answer(response.status_code, text, elapsed())
