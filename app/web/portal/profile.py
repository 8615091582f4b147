"""What a contact changes: the account's billing details, its own profile, colleagues it invites,
and the invitation's landing page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from app.auth import invitations
from app.errors import ValidationFailed
from app.models.enums import ContactRole
from app.portal import details as portal_details
from app.web.portal.forms import field_errors
from app.web.portal.handler import account_of, origin, portal_page
from app.web.portal.render import PortalSession, page


@portal_page
async def billing(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    errors, flash = {}, ""
    if request.method == "POST":
        try:
            await portal_details.update_billing_details(
                session.scope,
                account.pk,
                str(form.get("address", "")),
                str(form.get("taxId", "")),
                str(form.get("billingEmail", "")),
                origin(request),
            )
            flash = "Your billing details are saved."
        except ValidationFailed as exc:
            errors = field_errors(exc)
    current = await portal_details.billing_details(session.scope, account.pk)
    values = (
        form
        if errors
        else {"address": current.address, "taxId": current.tax_id, "billingEmail": current.billing_email}
    )
    return page(
        session,
        "portal/billing.html",
        nav="billing",
        account=account,
        title="Billing details",
        form=values,
        errors=errors,
        flash=flash,
        can_edit=account.role == "admin",
        status=400 if errors else 200,
    )


@portal_page
async def invite(request: Request, session: PortalSession, form) -> Response:
    """An account admin invites a colleague; the single-use link is shown once, to pass on."""
    account = account_of(session, request)
    values = {"email": str(form.get("email", "")), "role": str(form.get("role", "viewer"))}
    try:
        role = ContactRole(values["role"])
    except ValueError:
        role = ContactRole.VIEWER
    try:
        _, secret = await invitations.invite(
            session.scope, account.pk, values["email"], role, origin(request), tenant=session.tenant.config
        )
    except ValidationFailed as exc:
        return await _profile(request, session, account, errors=field_errors(exc), form=values, status=400)
    link = (
        str(request.base_url).rstrip("/")
        + f"/portal/join/{session.tenant.config.slug}?"
        + urlencode({"invitation": secret})
    )
    return await _profile(request, session, account, invitation_link=link)


async def _profile(
    request, session, account, *, errors=None, form=None, status=200, flash="", invitation_link=""
):
    current = await portal_details.contact_details(session.scope)
    values = form if errors and "name" in (form or {}) else {"name": current.name, "phone": current.phone}
    invite_values = form if errors and "email" in (form or {}) else {}
    return page(
        session,
        "portal/profile.html",
        nav="profile",
        account=account,
        title="My profile",
        form=values,
        invite_form=invite_values,
        errors=errors or {},
        flash=flash,
        email=current.email,
        status=status,
        invitation_link=invitation_link,
        roles=[r.value for r in ContactRole],
    )


@portal_page
async def profile(request: Request, session: PortalSession, form) -> Response:
    account = session.account(request.query_params.get("account", "")) or (session.accounts or [None])[0]
    errors, flash = {}, ""
    if request.method == "POST":
        try:
            await portal_details.update_contact_details(
                session.scope, str(form.get("name", "")), str(form.get("phone", "")), origin(request)
            )
            flash = "Your details are saved."
        except ValidationFailed as exc:
            errors = field_errors(exc)
    return await _profile(
        request, session, account, errors=errors, form=form, status=400 if errors else 200, flash=flash
    )


async def invitation(request: Request) -> Response:
    """The landing page of an invitation: whose portal it is, and the button that signs in and accepts it.

    The invitation itself is checked (single use, expiry, email) when the sign-in completes."""
    tenant = request.app.state.tenants.get(request.path_params["tenant"])
    secret = request.query_params.get("invitation", "")
    if tenant is None or not secret:
        return page(None, "portal/not_found.html", title="Not found", status=404)
    url = f"/auth/{tenant.config.slug}/portal/login?" + urlencode({"invitation": secret})
    return page(None, "portal/invitation.html", tenant=tenant, title="Your invitation", accept_url=url)
