"""Files a contact attaches to a billing query (a delivery note, a screenshot), stored with the request.

Size and type limits come from the tenant file's ``[support]`` section; the content is kept in the
database so it is backed up, scoped and deleted with the request.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned


class SupportAttachment(TenantOwned):
    id = fields.IntField(primary_key=True)
    request = fields.ForeignKeyField(
        "models.SupportRequest", related_name="attachments", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    content = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    customer_path: ClassVar[str | None] = "request__customer_id"

    class Meta:
        table = "support_attachment"
        indexes = (("request_id",),)
