"""Who may read a customer account through the portal services, and what "today" is for them.

Every portal service starts here: a contact needs a role on the account (``require_contact``; an account
it holds no role on is ``NotFound``), staff need ``ar.read`` (support staff see what the customer sees).
"""

from __future__ import annotations

from datetime import date

from app.auth.permissions import require, require_contact
from app.errors import NotFound
from app.portal import repository
from app.scope import Scope
from app.tenancy.config import TenantConfig

#: The most rows one page of any portal list holds, whatever the caller asks for.
MAX_PAGE = 100


def today_in(tenant: TenantConfig) -> date:
    """Business dates are dates in the tenant's time zone (architecture.md)."""
    return tenant.today()


def check_read(scope: Scope, customer_id: int) -> None:
    if scope.is_contact:
        require_contact(scope, "portal.read", customer_id)
    else:
        require(scope, "ar.read")


async def account(scope: Scope, customer_id: int):
    """The customer account, if the caller may read it; ``NotFound`` otherwise (as for no account)."""
    check_read(scope, customer_id)
    customer = await repository.customer(scope, customer_id)
    if customer is None:
        raise NotFound("customer account not found")
    return customer


async def account_currency(scope: Scope, customer_id: int) -> str:
    return (await account(scope, customer_id)).currency
