"""Emailing the management pack, and which ``[[reports.schedules]]`` entries are due on a day.

The queue that runs them belongs to the jobs subsystem (docs/reports.md "Scheduling"): it calls
``run_due_schedules(scope, config, today)`` once per tenant and day (idempotent per schedule and day:
``delivery_key``). Everything else is here, so the queue only needs a clock and a tenant:

- ``due_schedules``: the schedules whose day is ``today`` (weekly: the ISO weekday; monthly: the day);
- ``pack_as_of``: the last day of the completed period (the day before the run), so the pack of the
  1st shows the month just closed;
- ``email_management_pack``: builds the pack once and mails it to each address separately (one bad
  address never stops the others), through ``app.notifications``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.notifications import service as notify
from app.notifications.mail import Attachment
from app.reports.pack import build_management_pack
from app.scope import Scope
from app.tenancy.config import TenantConfig
from app.tenancy.reports import PackSchedule


@dataclass(frozen=True)
class Delivery:
    schedule: int  # index in the tenant file's [[reports.schedules]]
    as_of: date
    sent_to: list[str]
    failed: list[str]


def due_schedules(config: TenantConfig, today: date) -> list[tuple[int, PackSchedule]]:
    due = []
    for n, schedule in enumerate(config.reports.schedules):
        day = today.isoweekday() if schedule.every == "weekly" else today.day
        if day == schedule.day:
            due.append((n, schedule))
    return due


def pack_as_of(today: date) -> date:
    """The figures of the completed period: as of the day before the run."""
    return today - timedelta(days=1)


def delivery_key(slug: str, schedule: int, today: date) -> str:
    """The idempotency key of one schedule's run on one day (the queue enqueues it once)."""
    return f"management-pack:{slug}:{schedule}:{today.isoformat()}"


async def email_management_pack(
    scope: Scope, config: TenantConfig, as_of: date, fmt: str, addresses: list[str]
) -> tuple[list[str], list[str]]:
    """Build the pack as of ``as_of`` in ``fmt`` and send it to every address; (sent, failed)."""
    pack = await build_management_pack(scope, config, as_of, fmt)
    attachment = Attachment(pack.filename, pack.content, pack.media_type)
    sent, failed = [], []
    for address in addresses:
        ok = await notify.management_pack(config, address, as_of.isoformat(), attachment)
        (sent if ok else failed).append(address)
    return sent, failed


async def run_due_schedules(scope: Scope, config: TenantConfig, today: date) -> list[Delivery]:
    """Send every schedule due ``today`` (the jobs scheduler's daily entry point, one tenant)."""
    out = []
    for n, schedule in due_schedules(config, today):
        as_of = pack_as_of(today)
        sent, failed = await email_management_pack(scope, config, as_of, schedule.format, schedule.addresses)
        out.append(Delivery(n, as_of, sent, failed))
    return out
