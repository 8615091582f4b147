"""How a tenant looks: its name, logo, colours, address, tax ids, remittance lines and document footer.

Branding belongs to the tenant (``tenants/<slug>.toml`` ``[branding]``), not to whichever face prints it:
invoice and statement PDFs, the portal's pages and the portal API all read it from here. ``NEUTRAL`` is
Ledgerport's own look, for pages that are about no tenant (the tenant chooser on a host that names
none), so nobody is shown one tenant's branding while choosing another.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.tenancy.registry import TenantFile


@dataclass(frozen=True)
class Brand:
    name: str
    logo: str  # a data: URI, so rendering never reads files or the network
    primary_color: str
    accent_color: str
    address: tuple[str, ...]
    tax_ids: tuple[str, ...]
    remittance: tuple[str, ...]
    footer: str  # printed on documents only (their "questions about this document?" line)


#: No tenant's look: plain colours, no logo, no address.
NEUTRAL = Brand(
    name="Ledgerport",
    logo="",
    primary_color="#1f2937",
    accent_color="#2563eb",
    address=(),
    tax_ids=(),
    remittance=(),
    footer="",
)


@lru_cache(maxsize=64)
def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def brand_of(tenant: TenantFile) -> Brand:
    """The tenant's branding with its logo inlined (read once per logo file)."""
    b = tenant.config.branding
    return Brand(
        name=tenant.config.name,
        logo=_data_uri(tenant.asset(b.logo)) if b.logo else "",
        primary_color=b.primary_color,
        accent_color=b.accent_color,
        address=tuple(b.address),
        tax_ids=tuple(b.tax_ids),
        remittance=tuple(b.remittance),
        footer=b.footer,
    )
