"""The management pack: what finance sends upstairs each week or month, as XLSX or PDF.

``build_management_pack(scope, config, as_of, fmt)`` gathers every figure once
(``app.reports.pack_data.gather``) and hands the same ``PackData`` to the XLSX writer (``pack_xlsx``) or
the PDF renderer (``pack_pdf``), so both formats always agree. ``app.reports.delivery`` emails it; the
schedules that call it are the tenant file's ``[[reports.schedules]]`` (docs/reports.md).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from app.errors import ValidationFailed
from app.reports import pack_pdf, pack_xlsx, xlsx
from app.reports.pack_data import gather
from app.scope import Scope
from app.tenancy.config import TenantConfig

FORMATS = ("xlsx", "pdf")
MEDIA_TYPES = {"xlsx": xlsx.MEDIA_TYPE, "pdf": "application/pdf"}


@dataclass(frozen=True)
class BuiltPack:
    content: bytes
    filename: str
    media_type: str


async def build_management_pack(scope: Scope, config: TenantConfig, as_of: date, fmt: str) -> BuiltPack:
    """The pack as of ``as_of`` in ``fmt`` ("xlsx" or "pdf"): bytes, file name and media type."""
    if fmt not in FORMATS:
        raise ValidationFailed("format must be xlsx or pdf", field="format", code="invalid_choice")
    data = await gather(scope, config, as_of)
    filename = f"management-pack-{scope.tenant_slug}-{as_of.isoformat()}.{fmt}"
    if fmt == "xlsx":
        content = await asyncio.to_thread(pack_xlsx.workbook_bytes, data)
    else:
        content = await pack_pdf.render(data, config)
    return BuiltPack(content, filename, MEDIA_TYPES[fmt])
