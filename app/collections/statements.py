"""Scheduled statement emails (``statements.email``, one job per ``[[statement_emails]]`` entry and period).

As of the day before the run (the completed period, in the tenant's time zone) the job emails each
customer's statement (open-item or activity) to its billing email: every customer with a balance that
day, or every customer. Each customer gets a ``statement_delivery`` row: *sent* with the key of its email
(whose ``email_delivery`` record keeps what the relay said), or *skipped* with the reason
(``no_billing_email``). A retry, or a second worker, sends nothing sent already: the email is keyed by
schedule, period, customer and currency, and its delivery record says sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app import clock
from app.collections import repository
from app.documents import batch
from app.documents import service as documents
from app.jobs.handlers import JobContext, handler
from app.money import format_decimal_string
from app.notifications import mail
from app.notifications.delivery import deliver
from app.portal import links
from app.receivables import customer_figures

KIND = "statements.email"
TEMPLATE = "statement"


def statement_as_of(period: str, timezone: str) -> date:
    """The day before the run began, in the tenant's time zone."""
    return datetime.fromisoformat(period).astimezone(ZoneInfo(timezone)).date() - timedelta(days=1)


@handler(KIND, queue="reports", max_attempts=5)
async def email_statements(job: JobContext) -> None:
    tenant = job.tenant
    schedule = tenant.statement_emails[job.args["index"]]
    as_of = statement_as_of(job.args["period"], tenant.timezone)
    pairs = await batch.customers_to_render(job.scope, as_of, None)
    if schedule.audience == "all":
        pairs = sorted(set(pairs) | set(await repository.all_customers(job.scope)))
    balances = (
        await customer_figures.net_balances(job.scope, as_of, [cid for cid, _ in pairs]) if pairs else {}
    )
    customers = await repository.customers(job.scope, [cid for cid, _ in pairs])
    refused: list[mail.SmtpRefused] = []
    for cid, currency in pairs:
        common = {"schedule": schedule.name, "as_of": as_of, "customer_id": cid, "currency": currency}
        customer = customers[cid]
        to = customer["billing_email"]
        if not to:
            await repository.record_statement(
                job.scope, **common, state="skipped", reason="no_billing_email", created_at=clock.now()
            )
            continue
        key = f"{TEMPLATE}:{schedule.name}:{as_of.isoformat()}:{cid}:{currency}:{to.lower()}"
        pdf = await documents.statement_pdf(job.scope, cid, schedule.kind, as_of=as_of, currency=currency)
        values = {
            "tenant": tenant.name,
            "customer": customer["legal_name"],
            "account_number": customer["account_number"],
            "as_of": as_of.isoformat(),
            "balance": f"{currency} {format_decimal_string(balances.get((cid, currency), 0), currency)}",
            "link": links.statements(tenant, cid),
        }
        try:
            await deliver(
                job, key, TEMPLATE, to, reply_to=tenant.support.email, values=values,
                attachments=(mail.Attachment(pdf.filename, pdf.content, "application/pdf"),),
            )  # fmt: skip
        except mail.SmtpRefused as exc:
            refused.append(exc)
            continue
        await repository.record_statement(
            job.scope, **common, state="sent", email_key=key, created_at=clock.now()
        )
    if refused:
        raise refused[0]
