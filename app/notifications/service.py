"""Which email goes to whom when something happens in the support queue, to a dispute or an invitation.

Each function queues an ``email.send`` job inside the caller's transaction (``app.jobs.enqueue``): the
message goes out after the change commits, from a worker, retried while the relay is down, and never for
a change that rolled back. Its key is (template, object, recipient, step), so asking twice sends once.
"""

from __future__ import annotations

from app.jobs.enqueue import enqueue
from app.notifications.delivery import KIND
from app.scope import Scope
from app.tenancy.config import TenantConfig


async def email(
    scope: Scope, template: str, about: str, to: str, *, step: int = 1, reply_to: str = "", **values: str
) -> int | None:
    """Queue ``template`` to ``to`` about ``about`` (``"<object type>:<id>"``); the job id, or None when
    this very message was queued before (or there is no address)."""
    if not to:
        return None
    key = f"{template}:{about}:{to.lower()}:{step}"
    args = {"template": template, "to": to, "reply_to": reply_to, "values": values}
    return await enqueue(scope, KIND, key, args)


async def new_request(
    scope: Scope, tenant: TenantConfig, request_id: int, customer: str, subject: str, body: str, link: str
) -> int | None:
    """To the tenant's support address: a customer raised a query."""
    return await email(
        scope,
        "new_request",
        f"support_request:{request_id}",
        tenant.support.email,
        tenant=tenant.name,
        customer=customer,
        subject=subject,
        body=body,
        link=link,
    )


async def staff_replied(
    scope: Scope,
    tenant: TenantConfig,
    message_id: int,
    to: str,
    name: str,
    subject: str,
    body: str,
    link: str,
) -> int | None:
    """To the contact who raised the query: support answered."""
    return await email(
        scope,
        "staff_reply",
        f"support_message:{message_id}",
        to,
        reply_to=tenant.support.email,
        tenant=tenant.name,
        name=name,
        subject=subject,
        body=body,
        link=link,
    )


async def dispute_decided(
    scope: Scope,
    tenant: TenantConfig,
    dispute_id: int,
    to: str,
    name: str,
    invoice: str,
    outcome: str,
    accepted: str,
    note: str,
    link: str,
) -> int | None:
    """To the contact who disputed: accepted, partially accepted or rejected, and why."""
    return await email(
        scope,
        "dispute_decided",
        f"dispute:{dispute_id}",
        to,
        reply_to=tenant.support.email,
        tenant=tenant.name,
        name=name,
        invoice=invoice,
        outcome=outcome,
        accepted=accepted,
        note=note,
        link=link,
    )


async def invited(
    scope: Scope, tenant: TenantConfig, invitation_id: int, to: str, account: str, role: str, link: str
) -> int | None:
    """To the person invited to a customer account: the link that lets them in (once, until it expires)."""
    return await email(
        scope,
        "invitation",
        f"invitation:{invitation_id}",
        to,
        reply_to=tenant.support.email,
        tenant=tenant.name,
        account=account,
        role=role,
        link=link,
    )


async def approval_reminder(
    scope: Scope, tenant: TenantConfig, request_id: int, to: str, **values: str
) -> int | None:
    """To each staff member who may decide an approval request past its SLA: once per request."""
    return await email(
        scope, "staff/approval_reminder", f"approval_request:{request_id}", to, tenant=tenant.name, **values
    )
