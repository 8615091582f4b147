"""Write-off requests: part of an invoice given up, approved like credit limits, booked by ingest.

The request is refused at once when it is more than is open; it is checked again when the last
approval is given, because payments, credit notes or other write-offs may have reduced the open amount
meanwhile. The write-off is recorded through the ERP ingest (``import_batch``, record ``approval:<id>``)
so every ingest rule holds (never more than open, settlement sums refreshed); when ingest refuses, the
whole approval rolls back with it: no write-off, no approval, the request still pending.
Routing is by the amount in the tenant's base currency at today's rate.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app import clock
from app.approvals import engine
from app.approvals import repository as approvals_repository
from app.approvals.routing import route
from app.auth.permissions import require
from app.credit import repository
from app.credit.limits import required_reason
from app.errors import NotFound, ValidationFailed
from app.fx.service import converter
from app.ingest import service as ingest
from app.inputs.money import check_minor
from app.invoices import service as invoices
from app.models import ApprovalRequest
from app.models.enums import ApprovalKind
from app.money import format_decimal_string
from app.scope import Scope
from app.tenancy.config import TenantConfig

KIND = ApprovalKind.WRITE_OFF


def _over_open(open_amount: int, currency: str) -> ValidationFailed:
    return ValidationFailed(
        f"only {format_decimal_string(open_amount, currency)} {currency} of the invoice is open",
        field="amount",
        code="amount_over_open",
    )


async def invoice_for_request(scope: Scope, tenant: TenantConfig, invoice_id: int):
    """The invoice as of today (its currency reads the amount of a request); "not found" elsewhere."""
    require(scope, "writeoffs.request")
    return await invoices.get_invoice(scope, invoice_id, tenant.today())


async def request_write_off(
    scope: Scope, tenant: TenantConfig, invoice_id: int, amount: int, reason: str
) -> ApprovalRequest:
    require(scope, "writeoffs.request")
    today = tenant.today()
    item = await invoices.get_invoice(scope, invoice_id, today)
    check_minor(amount, item.currency, "amount", positive=True)
    reason = required_reason(reason)
    if amount > item.open_amount:
        raise _over_open(item.open_amount, item.currency)
    fx = await converter(scope, tenant.base_currency, {item.currency}, today)
    chosen = route(tenant.approvals.write_off, fx.convert(amount, item.currency), tenant.base_currency)
    async with in_transaction():
        return await engine.open_request(
            scope,
            tenant,
            engine.NewRequest(
                kind=KIND,
                customer_id=item.customer_id,
                invoice_id=invoice_id,
                amount=amount,
                currency=item.currency,
                reason=reason,
                route=chosen,
                payload={"invoice_number": item.number, "open_when_requested": item.open_amount},
            ),
        )


async def _book(scope: Scope, tenant: TenantConfig, row: ApprovalRequest) -> None:
    """Record the approved write-off through ingest, as the system on behalf of the approval."""
    reference = await repository.invoice_external_id(scope, row.invoice_id) if row.invoice_id else None
    if reference is None:
        raise NotFound("the invoice no longer exists")
    today = tenant.today()
    item = await invoices.get_invoice(scope, row.invoice_id, today)
    if row.amount > item.open_amount:
        raise _over_open(item.open_amount, item.currency)
    booking = Scope.system(scope.tenant_id, scope.tenant_slug, principal=f"approval:{row.id}")
    record = {
        "externalId": f"approval:{row.id}",
        "invoice": reference,
        "date": today.isoformat(),
        "amount": format_decimal_string(row.amount, row.currency),
        "reason": f"Write-off request {row.id}: {row.reason}"[:255],
    }
    await ingest.import_batch(booking, {"writeOffs": [record]})
    await approvals_repository.mark_applied(scope, row.id, clock.now())


async def approve(scope: Scope, tenant: TenantConfig, request_id: int, note: str = "") -> ApprovalRequest:
    return await engine.approve(scope, tenant, request_id, KIND, _book, note)


async def reject(scope: Scope, tenant: TenantConfig, request_id: int, reason: str) -> ApprovalRequest:
    return await engine.reject(scope, tenant, request_id, KIND, reason)


async def withdraw(scope: Scope, request_id: int, reason: str = "") -> ApprovalRequest:
    return await engine.withdraw(scope, request_id, KIND, reason)
