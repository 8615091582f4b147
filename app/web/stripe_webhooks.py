"""``POST /webhooks/stripe/{tenant}``: Stripe's signed events for one tenant's Stripe account.

The signature is checked on the raw body with that tenant's webhook secret, so an event signed for
another tenant (or forged) is 400 and nothing is stored; so is a signed body that is not shaped as an
event (``invalid_event``, app.payments.stripe_events). Everything Stripe sends that verifies is 200,
including types we do not handle, so Stripe stops retrying; a repeat of a stored event id is 200 too.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.errors import ConfigError
from app.payments import webhooks
from app.payments.stripe_events import InvalidEvent
from app.payments.stripe_gateway import account_for
from app.request_id import current_request_id
from app.tenancy.service import system_scope


def _error(status: int, code: str, message: str) -> JSONResponse:
    """Stripe's dashboard shows this body; the request id finds the delivery in our logs."""
    return JSONResponse(
        {"error": {"code": code, "message": message, "request_id": current_request_id()}}, status_code=status
    )


async def stripe_webhook(request: Request) -> JSONResponse:
    tenant = request.app.state.tenants.get(request.path_params["tenant"])
    if tenant is None:
        return _error(404, "not_found", "no such tenant")
    try:
        account = account_for(tenant.config.payments)
    except ConfigError:
        return _error(404, "payments_unavailable", "card payments are not set up for this tenant")
    payload = await request.body()
    try:
        event = webhooks.verify(
            payload, request.headers.get("stripe-signature", ""), account.webhook_secret, tenant.config.slug
        )
    except (webhooks.BadSignature, InvalidEvent) as exc:
        return _error(400, exc.code, exc.message)
    scope = await system_scope(tenant.config.slug, "stripe")
    outcome = await webhooks.receive(scope, event, tenant.config.timezone)
    return JSONResponse({"received": True, "outcome": outcome})


routes = [Route("/webhooks/stripe/{tenant}", stripe_webhook, methods=["POST"])]
