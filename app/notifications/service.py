"""Which email goes to whom when something happens in the support queue or to a dispute."""

from __future__ import annotations

from app.notifications.mail import Attachment, send
from app.tenancy.config import TenantConfig


async def new_request(tenant: TenantConfig, customer: str, subject: str, body: str, link: str) -> bool:
    """To the tenant's support address: a customer raised a query."""
    return await send(
        tenant.support.email,
        "new_request",
        tenant=tenant.name,
        customer=customer,
        subject=subject,
        body=body,
        link=link,
    )


async def staff_replied(tenant: TenantConfig, to: str, name: str, subject: str, body: str, link: str) -> bool:
    """To the contact who raised the query: support answered."""
    return await send(
        to,
        "staff_reply",
        reply_to=tenant.support.email,
        tenant=tenant.name,
        name=name,
        subject=subject,
        body=body,
        link=link,
    )


async def dispute_decided(
    tenant: TenantConfig, to: str, name: str, invoice: str, outcome: str, accepted: str, note: str, link: str
) -> bool:
    """To the contact who disputed: accepted, partially accepted or rejected, and why."""
    return await send(
        to,
        "dispute_decided",
        reply_to=tenant.support.email,
        tenant=tenant.name,
        name=name,
        invoice=invoice,
        outcome=outcome,
        accepted=accepted,
        note=note,
        link=link,
    )


async def management_pack(tenant: TenantConfig, to: str, as_of: str, attachment: Attachment) -> bool:
    """To a finance recipient of a ``[[reports.schedules]]`` entry: the management pack as of a date.
    A staff message (``templates/email/staff/``): it carries no portal links."""
    return await send(
        to,
        "staff/management_pack",
        reply_to=tenant.support.email,
        attachments=(attachment,),
        tenant=tenant.name,
        as_of=as_of,
        filename=attachment.filename,
    )
