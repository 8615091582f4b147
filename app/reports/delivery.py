"""The management pack on a schedule: the ``reports.management_pack`` job, one per schedule and period.

Each ``[[reports.schedules]]`` entry of a tenant file becomes a schedule of the jobs subsystem
(``PackSchedule.cron``: 07:00 in the tenant's time zone on its weekday or day of the month), so it runs
once per period however many workers tick, and once after downtime (docs/jobs.md). The job builds the
pack once, as of the day before the run (the completed period: the pack of the 1st shows the month just
closed), and mails it to each address as its own message through ``app.notifications.delivery``: each
message keeps a delivery record under its own key, so a retry after one address failed sends only to
the addresses that have not had it, and one bad address never stops the others.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.jobs.handlers import JobContext, handler
from app.notifications import mail
from app.notifications.delivery import deliver
from app.reports.pack import build_management_pack

KIND = "reports.management_pack"
TEMPLATE = "staff/management_pack"


def pack_as_of(period: str, timezone: str) -> date:
    """The figures of the completed period: as of the day before the run, in the tenant's time zone."""
    return datetime.fromisoformat(period).astimezone(ZoneInfo(timezone)).date() - timedelta(days=1)


@handler(KIND, queue="reports", max_attempts=5)
async def email_management_pack(job: JobContext) -> None:
    tenant = job.tenant
    schedule = tenant.reports.schedules[job.args["index"]]
    as_of = pack_as_of(job.args["period"], tenant.timezone)
    pack = await build_management_pack(job.scope, tenant, as_of, schedule.format)
    attachment = mail.Attachment(pack.filename, pack.content, pack.media_type)
    refused: list[mail.SmtpRefused] = []
    for address in schedule.addresses:
        try:
            await deliver(
                job,
                f"{TEMPLATE}:{job.key}:{address.lower()}",
                TEMPLATE,
                address,
                reply_to=tenant.support.email,
                values={"tenant": tenant.name, "as_of": as_of.isoformat(), "filename": pack.filename},
                attachments=(attachment,),
            )
        except mail.SmtpRefused as exc:
            refused.append(exc)
    if refused:
        raise refused[0]
