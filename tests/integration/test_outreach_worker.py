"""Outreach against the real stack: PostgreSQL, Redis, Celery worker processes, and an SMTP
server on loopback that counts what it receives (by Message-ID)."""

import time
import uuid

import pytest
from django.utils import timezone

from crm.models import Contact
from crm.services.consent import consent_record
from outreach.audience import ForumAudience
from outreach.models import EmailHold, Mailing, OutboxMessage
from outreach.services.mailings import mailing_create, mailing_start, template_save
from tests.integration.conftest import wait_for
from tests.outreach.helpers import consenting_attendees
from tests.smtp_server import SMTPSink

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def sink():
    with SMTPSink() as server:
        server.handler.keep_messages = False
        yield server


def frozen_mailing(forum, settings) -> Mailing:
    """A mailing with its outbox frozen, and no worker told yet (the test dispatches)."""
    template = template_save(
        name=f"Thanks {forum.pk} {uuid.uuid4().hex[:6]}",
        purpose="forum_updates",
        translations=[{"language": "ru", "subject": "Спасибо, {{ contact.given_name }}",
                       "body_text": "{{ forum.title }} {{ unsubscribe_url }}"}],
    )  # fmt: skip
    mailing = mailing_create(
        name="Thanks", purpose="forum_updates", template=template,
        audience=ForumAudience(forum=forum.pk, statuses=("attended",)),
    )  # fmt: skip
    settings.OUTREACH_WORKERS_PER_MAILING = 0
    return mailing_start(mailing=mailing)


def worker_env(database, sink, **extra):
    return {
        "DATABASE_URL": database,
        "EMAIL_URL": sink.url,
        "OUTREACH_LEASE_SECONDS": "3",
        "OUTREACH_RETRY_BASE_SECONDS": "0.5",
        **{key: str(value) for key, value in extra.items()},
    }


def dispatch(client, worker, name, *args):
    return client.send_task(name, args=list(args), queue=worker.queue)


def finished(mailing) -> bool:
    return Mailing.objects.get(pk=mailing.pk).status == "done"


def test_a_worker_killed_mid_send_loses_nothing_and_duplicates_at_most_one(
    shared_database, sink, start_worker, celery_client, settings
):
    forum, _ = consenting_attendees(1000)
    mailing = frozen_mailing(forum, settings)
    # Three sender threads in the killed process: they take turns for each acceptance. The
    # sink holds each reply 10 ms after counting the message, so that a kill usually lands
    # while a sender waits for it; threads not taking turns would leave one such each.
    sink.handler.reply_delay = 0.01
    first = start_worker(**worker_env(shared_database, sink, OUTREACH_SENDERS=3))
    dispatch(celery_client, first, "outreach.outbox_work", mailing.pk)
    assert wait_for(lambda: sink.handler.deliveries >= 250, timeout=120)
    first.kill()  # SIGKILL in the middle of the mailing
    killed_at = sink.handler.deliveries
    assert killed_at < 1000
    second = start_worker(**worker_env(shared_database, sink))
    time.sleep(3.5)  # the dead worker's lease runs out
    dispatch(celery_client, second, "outreach.sweep")
    assert wait_for(lambda: finished(mailing), timeout=240), (
        OutboxMessage.objects.filter(mailing=mailing).values("status").distinct()
    )
    handler = sink.handler
    rows = OutboxMessage.objects.filter(mailing=mailing)
    assert rows.filter(status="sent").count() == 1000
    assert not rows.filter(status="sending").exists()
    # Every recipient received exactly one distinct message (by Message-ID)...
    assert handler.distinct() == 1000
    assert set(handler.message_ids) == set(rows.values_list("message_id", flat=True))
    assert all(handler.recipients[f"person{i}@example.org"] >= 1 for i in range(1000))
    # ...and raw extra deliveries are at most one per killed worker process (the message
    # in flight), however many sender threads it ran.
    assert handler.deliveries - handler.distinct() <= 1


def test_the_same_send_task_delivered_twice_sends_each_message_once(
    shared_database, sink, start_worker, celery_client, settings
):
    forum, _ = consenting_attendees(300)
    mailing = frozen_mailing(forum, settings)
    workers = [start_worker(**worker_env(shared_database, sink)) for _ in range(2)]
    for worker in workers:  # two workers, the same task twice, running at once
        dispatch(celery_client, worker, "outreach.outbox_work", mailing.pk)
    assert wait_for(lambda: finished(mailing), timeout=180)
    assert sink.handler.deliveries == sink.handler.distinct() == 300


def test_temporary_refusals_are_retried_and_a_permanent_one_fails_and_holds(
    shared_database, sink, start_worker, celery_client, settings
):
    forum, _ = consenting_attendees(40)
    sink.handler.refuse.add("person7@example.org")  # 550, for good
    mailing = frozen_mailing(forum, settings)
    worker = start_worker(**worker_env(shared_database, sink, OUTREACH_HOLD_AFTER_BOUNCES=1))
    # From now, not from before the worker started: on a busy machine starting it can take
    # longer than the window itself.
    sink.handler.temporary_until = time.monotonic() + 4  # 421 for four seconds
    dispatch(celery_client, worker, "outreach.outbox_work", mailing.pk)
    assert wait_for(lambda: finished(mailing), timeout=180)
    rows = OutboxMessage.objects.filter(mailing=mailing)
    assert sink.handler.temporary_answers > 0
    assert rows.filter(status="sent").count() == 39
    assert sink.handler.deliveries == sink.handler.distinct() == 39
    refused = rows.get(email="person7@example.org")
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error.startswith("550")
    assert EmailHold.objects.get(email="person7@example.org").held
    # The next mailing leaves the held address out.
    again = frozen_mailing(forum, settings)
    assert OutboxMessage.objects.get(mailing=again, email="person7@example.org").reason == "on_hold"


def test_an_opt_out_after_freezing_is_respected_by_the_worker(
    shared_database, sink, start_worker, celery_client, settings
):
    forum, ids = consenting_attendees(20)
    mailing = frozen_mailing(forum, settings)
    consent_record(contact=Contact.objects.get(pk=ids[3]), purpose="forum_updates",
                   granted=False, source="link", recorded_at=timezone.now())  # fmt: skip
    worker = start_worker(**worker_env(shared_database, sink))
    dispatch(celery_client, worker, "outreach.outbox_work", mailing.pk)
    assert wait_for(lambda: finished(mailing), timeout=120)
    assert sink.handler.recipients["person3@example.org"] == 0
    assert sink.handler.deliveries == 19
    row = OutboxMessage.objects.get(mailing=mailing, contact_id=ids[3])
    assert (row.status, row.reason) == ("suppressed", "opted_out")
