"""What a contact may change: its own name and phone, and (account admins) the billing details.

Billing changes are audited with before and after, and staff are alerted (``billing_details_changed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from app.alerts import service as alerts
from app.audit import service as audit
from app.audit.service import NO_ORIGIN, Origin
from app.auth.permissions import require_contact
from app.errors import NotFound, ValidationFailed
from app.inputs.emails import parse_email
from app.inputs.text import check_text
from app.models.enums import AlertSeverity
from app.portal import repository
from app.portal.access import account
from app.portal.problems import raise_problems, rule_code
from app.scope import Scope


@dataclass(frozen=True)
class ContactDetails:
    email: str
    name: str
    phone: str


async def contact_details(scope: Scope) -> ContactDetails:
    if not scope.is_contact or scope.principal_id is None:
        raise NotFound("contact not found")
    contact = await repository.contact(scope, scope.principal_id)
    if contact is None:
        raise NotFound("contact not found")
    return ContactDetails(contact.email, contact.name, contact.phone)


async def update_contact_details(scope: Scope, name: str, phone: str, origin: Origin = NO_ORIGIN):
    """The signed-in contact changes its own name and phone (its email is its sign-in identity)."""
    await contact_details(scope)
    problems = []
    name = _checked(problems, "name", "enter your name (at most 200 characters, one line)", name, 200, True)
    phone = _checked(problems, "phone", "a phone number has digits, spaces and + - ( ) only", phone, 50)
    if any(c not in "0123456789+-() ." for c in phone):
        problems.append(("phone", "a phone number has digits, spaces and + - ( ) only"))
    raise_problems(problems)
    await repository.update_contact(scope, scope.principal_id, name=name, phone=phone)
    await audit.record(
        scope, "contact.updated", target_type="contact", target_id=scope.principal_id, origin=origin
    )
    return await contact_details(scope)


def _checked(
    problems: list[tuple[str, str]],
    field: str,
    message: str,
    value: str,
    max_length: int,
    required: bool = False,
    *,
    multiline: bool = False,
) -> str:
    """``value`` by the text rules (``app.inputs.text``), or a form message on ``field`` and ""."""
    try:
        return check_text(value, field, max_length, multiline=multiline, required=required)
    except ValidationFailed as exc:
        problems.append((field, message, rule_code(exc)))
        return ""


@dataclass(frozen=True)
class BillingDetails:
    address: str
    tax_id: str
    billing_email: str


async def billing_details(scope: Scope, customer_id: int) -> BillingDetails:
    customer = await account(scope, customer_id)
    return BillingDetails(customer.billing_address, customer.tax_id, customer.billing_email)


async def update_billing_details(
    scope: Scope, customer_id: int, address: str, tax_id: str, billing_email: str, origin: Origin = NO_ORIGIN
) -> BillingDetails:
    """An account admin changes the billing details: audited with before/after, and staff are alerted."""
    require_contact(scope, "portal.billing", customer_id)
    before = await billing_details(scope, customer_id)
    problems: list[tuple[str, str]] = []
    address = _checked(problems, "address", "enter the billing address", address, 1000, True, multiline=True)
    tax_id = _checked(problems, "taxId", "a tax id has at most 64 characters", tax_id, 64)
    billing_email = billing_email.strip() if isinstance(billing_email, str) else ""
    if billing_email:
        try:
            billing_email = parse_email(billing_email, "billingEmail")
        except ValidationFailed as exc:
            problems.append(("billingEmail", "enter one email address like ap@example.com", exc.code))
    raise_problems(problems)
    after = BillingDetails(address, tax_id, billing_email)
    changes = {
        k: {"from": getattr(before, k), "to": getattr(after, k)}
        for k in ("address", "tax_id", "billing_email")
        if getattr(before, k) != getattr(after, k)
    }
    # One transaction: the change, its audit line and the staff alert (announced as alert.raised).
    async with in_transaction():
        await repository.update_customer(
            scope, customer_id, billing_address=address, tax_id=tax_id, billing_email=billing_email
        )
        event = await audit.record(
            scope,
            "billing.updated",
            target_type="customer",
            target_id=customer_id,
            details=changes,
            origin=origin,
        )
        await alerts.raise_event_alert(
            scope,
            customer_id=customer_id,
            rule="billing_details_changed",
            severity=AlertSeverity.INFO,
            dedupe_key=f"billing_details_changed:{customer_id}:{event.id}",
            message=f"{scope.principal} changed the billing details of the account",
            details=changes,
        )
    return after
