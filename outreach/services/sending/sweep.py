"""Every minute: what a vanished or failed worker left behind is taken up again."""

from collections.abc import Callable

from ...models import Mailing, MailingStatus
from ...selectors import mailing_ids_with_due_messages
from ..mailings import mailing_finish_if_done
from .claims import outbox_requeue_expired


def outbox_sweep(*, start_work: Callable[[int], None]) -> dict:
    """Give abandoned claims back to the queue, ``start_work(mailing_id)`` once for every
    sending mailing with messages due, and mark done the mailings with nothing left."""
    requeued = outbox_requeue_expired()
    waiting = mailing_ids_with_due_messages()
    for mailing_id in waiting:
        start_work(mailing_id)
    sending = Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True)
    finished = [pk for pk in sending if mailing_finish_if_done(pk).get("done")]
    return {"requeued": requeued, "kicked": waiting, "finished": finished}
