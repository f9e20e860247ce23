"""Outreach tasks: ids in, one service call; retries and periodic runs come from here."""

from celery import shared_task

from core.jobs import RETRY_WHEN_INTERRUPTED
from core.task_names import OUTBOX_WORK, OUTREACH_DUE, OUTREACH_SWEEP
from outreach.services.due import outreach_due
from outreach.services.sending.sweep import outbox_sweep
from outreach.services.sending.work import outbox_work


# The database went away and did not come back in time (or too often): try again soon,
# with backoff (1 s, 2 s, 4 s... up to a minute); the minute's sweep remains if all fail.
@shared_task(
    name=OUTBOX_WORK,
    bind=True,
    **RETRY_WHEN_INTERRUPTED,
)
def outbox_work_task(self, mailing_id: int) -> dict:
    """Send what can be sent now; when retries wait for their backoff, come back then.

    Several copies may run for one mailing (more throughput) and a copy may run twice
    (redelivery): rows are claimed one worker at a time in the database.
    """
    result = outbox_work(mailing_id=mailing_id)
    # In-process (no broker) a countdown is ignored and this would recurse at once: the
    # periodic sweep picks the mailing up again instead.
    if "retry_in" in result and not self.app.conf.task_always_eager:
        self.apply_async((mailing_id,), countdown=result["retry_in"], **same_queue(self.request))
    return result


def same_queue(request) -> dict:
    # Work the sweep starts goes to the queue the sweep itself came from, so a deployment
    # that gives outreach its own queue (or a test on a private one) keeps it there.
    routing_key = (request.delivery_info or {}).get("routing_key")
    return {"queue": routing_key} if routing_key else {}


@shared_task(name=OUTREACH_SWEEP, bind=True)
def outreach_sweep_task(self) -> dict:
    """Every minute: give abandoned claims back to the queue and make sure every sending
    mailing with queued messages has a worker on it."""
    queue = same_queue(self.request)
    return outbox_sweep(
        start_work=lambda mailing_id: outbox_work_task.apply_async((mailing_id,), **queue)
    )


@shared_task(name=OUTREACH_DUE)
def outreach_due_task() -> dict:
    """Every minute: scheduled mailings, forum follow-ups and invitation reminders."""
    return outreach_due()
