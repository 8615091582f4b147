"""The ``dunning.send`` job: the email of one dunning message, with its PDF, sent once.

The run stored what the message says (``DunningMessage.lines``/``totals``) and queued this job in the
same transaction; the job renders the attachment (the open-item statement as of the run's day, or the
dunning letter with fees and interest) and hands the message to ``app.notifications.delivery.deliver``,
whose delivery record under the key ``dunning:<message id>:<recipient>`` makes a retry or a takeover after
a crash send nothing that went out already.
"""

from __future__ import annotations

from app.collections import repository
from app.documents import service as documents
from app.documents.dunning_letter import letter_pdf
from app.documents.formatting import Formatter
from app.jobs.handlers import JobContext, handler
from app.notifications import mail
from app.notifications.delivery import deliver

KIND = "dunning.send"


@handler(KIND, queue="email", max_attempts=8)
async def send_dunning_message(job: JobContext) -> None:
    message = await repository.message(job.scope, job.args["message_id"])
    if message is None:  # its customer was deleted since: nothing to say
        return
    tenant = job.tenant
    customer = (await repository.customers(job.scope, [message.customer_id]))[message.customer_id]
    step = _step(tenant, message.policy, message.step_index)
    attachments: tuple[mail.Attachment, ...] = ()
    if message.attachment == "statement":
        pdf = await documents.statement_pdf(
            job.scope, message.customer_id, "open_item", as_of=message.sent_on
        )
        attachments = (mail.Attachment(pdf.filename, pdf.content, "application/pdf"),)
    elif message.attachment == "letter":
        pdf = await letter_pdf(
            job.scope, message.customer_id, dated=message.sent_on, step=message.step_name,
            rate=str(step.interest_rate) if step and step.interest_rate else "",
            lines=message.lines, totals=message.totals, pay_link=message.pay_link,
        )  # fmt: skip
        attachments = (mail.Attachment(pdf.filename, pdf.content, "application/pdf"),)
    values = message_values(tenant, customer, message.lines, message.totals, message.pay_link)
    await deliver(
        job,
        f"dunning:{message.id}:{message.recipient.lower()}",
        message.template,
        message.recipient,
        reply_to=tenant.support.email,
        values=values,
        attachments=attachments,
    )


def _step(tenant, policy: str, index: int):
    found = tenant.dunning.policy(policy)
    return found.steps[index] if found and index < len(found.steps) else None


def message_values(tenant, customer: dict, lines: list[dict], totals: list[dict], pay_link: str) -> dict:
    """What a dunning email's template shows: the stored lines and totals, formatted in the tenant's locale."""
    fmt = Formatter(tenant.locale)
    return {
        "tenant": tenant.name,
        "customer": customer["legal_name"],
        "account_number": customer["account_number"],
        "invoices": [
            {
                "number": line["number"],
                "due_date": line["due_date"],
                "days_past_due": line["days_past_due"],
                "open": fmt.money(line["open"], line["currency"]),
                "interest": fmt.money(line["interest"], line["currency"]) if line["interest"] else "",
            }
            for line in lines
        ],
        "totals": [
            {
                "currency": t["currency"],
                "amount": fmt.money(t["amount"], t["currency"]),
                "fee": fmt.money(t["fee"], t["currency"]) if t["fee"] else "",
                "interest": fmt.money(t["interest"], t["currency"]) if t["interest"] else "",
            }
            for t in totals
        ],
        "pay_link": pay_link,
    }
