"""Publishing: after the change's commit, never for a rolled-back change.

``record`` runs inside the change's transaction (``emit`` calls it for every domain report) and
registers the events with the transaction (``app.db.after_commit``); they leave only once COMMIT has
returned. ``publish`` is for what is already committed (a job's outcome).
"""

from __future__ import annotations

from typing import Any

from app.db.after_commit import in_transaction_now, on_commit
from app.realtime import transports
from app.realtime.events import Event, from_domain
from app.realtime.hub import HUB


def publish(*events: Event) -> None:
    """Send committed events to every process's subscribers (never awaits the network)."""
    transport = transports.current()
    for event in events:
        if transport is None:
            HUB.deliver(event)
        else:
            transport.send(event)


def publish_after_commit(*events: Event) -> None:
    """Send ``events`` once the current transaction commits (refused outside a transaction)."""
    if events:
        on_commit(lambda: publish(*events))


def record(tenant_id: int, event_type: str, datas: list[dict[str, Any]]) -> None:
    """The real-time side of ``emit``: what the reported change implies, after commit."""
    events = [e for data in datas for e in from_domain(tenant_id, event_type, data)]
    publish_after_commit(*events)


def publish_when_committed(tenant_id: int, event_type: str, data: dict[str, Any]) -> None:
    """For a change written without a transaction of its own (committed statement by statement): now,
    or after the caller's transaction when there is one."""
    events = from_domain(tenant_id, event_type, data)
    if in_transaction_now():
        publish_after_commit(*events)
    else:
        publish(*events)
