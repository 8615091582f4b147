"""Evaluating alert rules, listing alerts, and acknowledging / resolving them.

Evaluation inserts only candidates whose ``dedupe_key`` is new for the tenant (and the unique key on
(tenant, dedupe_key) stops a concurrent evaluation from duplicating one), so it can run as often as the
tenant file's ``alerts.evaluate_every_minutes`` says, from the server and from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import clock
from app.alerts import repository
from app.alerts.rules import RULES
from app.audit import service as audit
from app.auth.permissions import require
from app.errors import Conflict, NotFound
from app.models import Alert
from app.models.enums import AlertStatus
from app.scope import Scope
from app.tenancy.config import TenantConfig


@dataclass(frozen=True)
class Evaluation:
    candidates: int
    created: int


async def evaluate(scope: Scope, config: TenantConfig, today: date) -> Evaluation:
    """Run every rule as of ``today`` and store the alerts not raised before."""
    require(scope, "alerts.manage")
    candidates = [c for rule in RULES for c in await rule(scope, config, today)]
    unique = {c.dedupe_key: c for c in candidates}
    known = await repository.existing_keys(scope, list(unique))
    new = [c for key, c in unique.items() if key not in known]
    await repository.insert_many(
        scope,
        [
            {
                "rule": c.rule,
                "dedupe_key": c.dedupe_key,
                "message": c.message,
                "severity": c.severity,
                "customer_id": c.customer_id,
                "invoice_id": c.invoice_id,
                "details": c.details,
            }
            for c in new
        ],
    )
    return Evaluation(candidates=len(unique), created=len(new))


async def list_alerts(
    scope: Scope,
    *,
    offset: int = 0,
    limit: int = 50,
    status: AlertStatus | None = None,
    rule: str | None = None,
    customer_id: int | None = None,
) -> tuple[list[Alert], int]:
    require(scope, "ar.read")
    return await repository.page(scope, offset, limit, status=status, rule=rule, customer_id=customer_id)


async def _transition(scope: Scope, alert_id: int, to: AlertStatus) -> Alert:
    require(scope, "alerts.manage")
    alert = await repository.by_id(scope, alert_id)
    if alert is None:
        raise NotFound("no alert with this id", field="id")
    if alert.status == AlertStatus.RESOLVED:
        raise Conflict("the alert is already resolved", code="already_resolved", field="id")
    if alert.status == to:
        return alert
    alert = await repository.set_status(scope, alert, to, scope.principal, clock.now())
    await audit.record(scope, f"alert.{to.value}", target_type="alert", target_id=alert.id)
    return alert


async def acknowledge(scope: Scope, alert_id: int) -> Alert:
    """Someone is on it: the alert stays visible as acknowledged (by whom, when)."""
    return await _transition(scope, alert_id, AlertStatus.ACKNOWLEDGED)


async def resolve(scope: Scope, alert_id: int) -> Alert:
    """Done; a resolved alert's key stays taken, so the same condition does not re-raise it."""
    return await _transition(scope, alert_id, AlertStatus.RESOLVED)
