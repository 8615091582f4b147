"""The statements page: the default period's statement, each complete month's, and any period's.

The "any period" form opens filled with the default period, so it starts from something sensible.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.errors import ValidationFailed
from app.portal import statements as portal_statements
from app.web.portal.forms import field_errors, parse_date
from app.web.portal.handler import account_of, portal_page
from app.web.portal.render import PortalSession, page


@portal_page
async def statements(request: Request, session: PortalSession, form) -> Response:
    account = account_of(session, request)
    choice = await portal_statements.statements(session.scope, account.pk, session.tenant.config)
    q = request.query_params
    asked = bool(q.get("from") or q.get("to"))
    values = {"from": q.get("from", ""), "to": q.get("to", "")}
    if not asked:
        values = {"from": choice.default.period_from.isoformat(), "to": choice.default.period_to.isoformat()}
    custom, errors = None, {}
    if asked:
        try:
            start, end = parse_date(values["from"], "from"), parse_date(values["to"], "to")
            if start is None or end is None:
                raise ValidationFailed("enter both dates", field="from" if start is None else "to")
            custom = await portal_statements.custom_statement(session.scope, account.pk, start, end)
        except ValidationFailed as exc:
            errors = field_errors(exc)
    return page(
        session,
        "portal/statements.html",
        nav="statements",
        account=account,
        title="Statements",
        latest=choice.default,
        months=choice.months,
        custom=custom,
        form=values,
        errors=errors,
        status=400 if errors else 200,
    )
