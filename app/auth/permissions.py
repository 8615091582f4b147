"""What each staff role may do: one table, enforced by services and declared on GraphQL fields.

Permissions are named capabilities (``ar.read``, ``tokens.manage``); roles map to sets of them. Services
call ``require(scope, "perm")`` so every entry point obeys the same rule, and the GraphQL layer checks the
same names early so a frontend gets a clear error before any work is done. ``docs/permissions.md`` is this
table in prose.
"""

from __future__ import annotations

from app.errors import NotFound, PermissionDenied
from app.models.enums import ContactRole, StaffRole
from app.scope import Scope

_ALL = frozenset(StaffRole)
_READERS = _ALL

PERMISSIONS: dict[str, frozenset[StaffRole]] = {
    # Reading the tenant and one's own identity.
    "viewer.read": _ALL,
    # Receivables figures, customers, invoices, payments.
    "ar.read": _READERS,
    # Credit and compliance detail (limits, reviews, KYC, letters of credit).
    "credit.read": _READERS,
    # Data import from ERP / billing systems.
    "ingest.write": frozenset({StaffRole.ADMIN, StaffRole.FINANCE}),
    # Recording manual payments (wire, check, ACH) and refunding card payments through Stripe.
    "payments.write": frozenset({StaffRole.ADMIN, StaffRole.FINANCE}),
    # Cash application: import bank statements, work the exceptions queue (apply or ignore a bank line).
    "cash.apply": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.COLLECTIONS}),
    # Alerts: acknowledge and resolve.
    "alerts.manage": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.COLLECTIONS, StaffRole.CREDIT}),
    # Collections that act (docs/collections.md): run dunning, pause and resume it, log activities,
    # work collection tasks, record promises to pay for a customer. Everyone with ar.read sees them.
    "collections.act": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.COLLECTIONS}),
    # API tokens, memberships, sessions.
    "tokens.manage": frozenset({StaffRole.ADMIN}),
    # Inviting customer contacts to the portal on behalf of a customer account.
    "contacts.manage": frozenset({StaffRole.ADMIN, StaffRole.SUPPORT}),
    # The support queue: answer billing queries, internal notes, resolve; decide disputes.
    "support.manage": frozenset(
        {StaffRole.ADMIN, StaffRole.SUPPORT, StaffRole.FINANCE, StaffRole.COLLECTIONS}
    ),
    "disputes.decide": frozenset({StaffRole.ADMIN, StaffRole.FINANCE}),
    # Inviting staff and changing their roles.
    "members.manage": frozenset({StaffRole.ADMIN}),
    # Listing and revoking other people's sign-in sessions.
    "sessions.manage": frozenset({StaffRole.ADMIN}),
    # Background jobs: list them, retry a failed one, cancel one that has not finished (docs/jobs.md).
    "jobs.manage": frozenset({StaffRole.ADMIN}),
    # Outbound webhooks: endpoints and their secrets, the delivery log, redelivery (docs/webhooks.md).
    "webhooks.manage": frozenset({StaffRole.ADMIN}),
    # Asking for a customer's credit limit to change (routed to approvers by the tenant's thresholds).
    "credit.request": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.CREDIT, StaffRole.SALES}),
    # Asking for part of an invoice to be written off (approved like credit limits).
    "writeoffs.request": frozenset(
        {StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.CREDIT, StaffRole.COLLECTIONS}
    ),
    # Completing periodic credit reviews (a new rating; a limit change goes through the approvals).
    "credit.review": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.CREDIT}),
    # KYC reviews: start one, tick its checklist, pass / fail / ask for information (with four eyes
    # where the tenant file says so).
    "kyc.review": frozenset({StaffRole.ADMIN, StaffRole.COMPLIANCE}),
    "onboarding.apply": frozenset({StaffRole.ADMIN, StaffRole.CREDIT, StaffRole.SALES}),
    # Placing and releasing credit holds by hand (automatic ones follow the tenant file's rules).
    "credit.hold": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.CREDIT}),
    # Approving and rejecting approval requests; which role approves which request is the tenant
    # file's [approvals] routing, and never one's own request (docs/credit-and-compliance.md).
    "approvals.decide": frozenset({StaffRole.ADMIN, StaffRole.FINANCE, StaffRole.CREDIT}),
}

#: What a contact may do on one customer account, by its role there (roles are per account).
CONTACT_PERMISSIONS: dict[str, frozenset[ContactRole]] = {
    # See the account: balances, invoices, statements, one's own identity.
    "portal.read": frozenset(ContactRole),
    # Pay the account's invoices.
    "portal.pay": frozenset({ContactRole.ADMIN, ContactRole.PAYER}),
    # Invite further contacts to the account.
    "contacts.invite": frozenset({ContactRole.ADMIN}),
    # Raise billing queries and reply to them (viewers only read).
    "portal.ask": frozenset({ContactRole.ADMIN, ContactRole.PAYER}),
    # Dispute an invoice, promise to pay.
    "portal.dispute": frozenset({ContactRole.ADMIN, ContactRole.PAYER}),
    "portal.promise": frozenset({ContactRole.ADMIN, ContactRole.PAYER}),
    # Change the account's billing details (address, tax id, billing email).
    "portal.billing": frozenset({ContactRole.ADMIN}),
}


def allowed(scope: Scope, permission: str) -> bool:
    roles = PERMISSIONS.get(permission)
    if roles is None:
        raise KeyError(f"unknown permission {permission!r}: add it to PERMISSIONS")
    return scope.is_staff and scope.role in roles


def require(scope: Scope, permission: str) -> None:
    """Raise ``PermissionDenied`` unless the caller's role has ``permission``."""
    if not allowed(scope, permission):
        role = scope.role.value if scope.role else scope.kind.value
        raise PermissionDenied(f"the {role} role may not do this ({permission})")


def require_staff_role(scope: Scope, *roles: StaffRole) -> None:
    if not scope.is_staff or scope.role not in roles:
        names = ", ".join(r.value for r in roles)
        raise PermissionDenied(f"only these roles may do this: {names}")


def require_contact(scope: Scope, permission: str, customer_id: int) -> None:
    """Raise unless the contact's role on ``customer_id`` has ``permission``.

    An account the contact holds no role on does not exist for it: that is ``NotFound``, not forbidden.
    """
    roles = CONTACT_PERMISSIONS.get(permission)
    if roles is None:
        raise KeyError(f"unknown contact permission {permission!r}: add it to CONTACT_PERMISSIONS")
    role = scope.contact_roles.get(customer_id) if scope.is_contact else None
    if role is None:
        raise NotFound("customer account not found")
    if role not in roles:
        raise PermissionDenied(f"the {role.value} role on this account may not do this ({permission})")
