"""The ``email.send`` job: deliver one message, at least once and, by its key, applied once.

The key is (template, object, recipient, step): a message whose record says *sent* is never sent again,
whatever retried or crashed. Each try records what the relay said: *retrying* with the error while tries
remain, *failed* with it after the last, *sent* with the relay's answer. A relay that accepted a message
just before the worker died can still see it twice (SMTP has no idempotency key); everything short of
that is sent once.
"""

from __future__ import annotations

from app import clock
from app.jobs.handlers import JobContext, handler
from app.models.enums import DeliveryState
from app.notifications import mail, repository
from app.observability import metrics

KIND = "email.send"


@handler(KIND, queue="email", max_attempts=8)
async def send_email(job: JobContext) -> None:
    args = job.args
    await deliver(
        job, job.key, args["template"], args["to"], reply_to=args.get("reply_to", ""), values=args["values"]
    )


async def deliver(
    job: JobContext,
    key: str,
    template: str,
    to: str,
    *,
    reply_to: str = "",
    values: dict,
    attachments: tuple[mail.Attachment, ...] = (),
) -> None:
    """Send one message within ``job`` unless its record under ``key`` says it went already; record what
    the relay said, and raise ``SmtpRefused`` (so the job retries) when it did not take it. A job that
    sends several messages (the management pack, one per address) calls this once per message: a retry
    sends only those not sent yet."""
    found = await repository.delivery(job.scope, key)
    if found is not None and found.state in (DeliveryState.SENT, DeliveryState.DISABLED):
        return
    common = {
        "template": template,
        "recipient": to,
        "attempts": job.attempt,
        "job_id": job.job_id,
        "updated_at": clock.now(),
    }
    settings = mail.smtp_settings()
    if settings is None or not to:
        await repository.record(
            job.scope, key, state=DeliveryState.DISABLED, smtp_reply="email is off (no SMTP host)", **common
        )
        metrics.email_deliveries.labels("disabled").inc()
        return
    message = mail.build(settings, to, template, reply_to=reply_to, attachments=attachments, **values)
    try:
        reply = await mail.transmit(settings, message)
    except mail.SmtpRefused as exc:
        state = DeliveryState.FAILED if job.final else DeliveryState.RETRYING
        await repository.record(job.scope, key, state=state, smtp_reply=str(exc)[:2000], **common)
        metrics.email_deliveries.labels(state.value).inc()
        raise
    await repository.record(
        job.scope, key, state=DeliveryState.SENT, smtp_reply=reply[:2000], sent_at=clock.now(), **common
    )
    metrics.email_deliveries.labels("sent").inc()
