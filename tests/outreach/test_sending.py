"""The send loop against a real SMTP server on loopback, in this process."""

import email.utils
import time

import pytest
from django.db import transaction

from crm.services.consent import consent_record
from outreach.audience import ForumAudience
from outreach.models import EmailHold, Mailing, OutboxMessage
from outreach.services.mailings import mailing_cancel, mailing_create, mailing_start
from outreach.services.sending.rate_limit import RateLimiter
from outreach.services.sending.work import outbox_work

pytestmark = pytest.mark.django_db


def make_mailing(world):
    return mailing_create(
        name="Thanks",
        purpose="forum_updates",
        template=world["template"],
        audience=ForumAudience(forum=world["forum"].pk, statuses=("attended",)),
    )


def freeze(mailing, capture):
    """Start sending but keep the workers from running yet (the test decides when)."""
    with capture(execute=False):
        return mailing_start(mailing=mailing)


def statuses(mailing):
    return {
        row.contact.given_name: (row.status, row.reason)
        for row in OutboxMessage.objects.filter(mailing=mailing).select_related("contact")
    }


def test_everyone_eligible_gets_exactly_one_message_and_the_rest_are_explained(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    outbox_work(mailing_id=mailing.pk)
    assert statuses(mailing) == {
        "Aigerim": ("sent", ""),
        "Ivan": ("sent", ""),
        "Emma": ("sent", ""),
        "Nobody": ("suppressed", "no_consent"),
        "Gone": ("suppressed", "opted_out"),
    }
    handler = smtp_sink.handler
    assert handler.deliveries == handler.distinct() == 3
    assert handler.sessions == 1  # one SMTP connection for the whole batch
    stored = set(
        OutboxMessage.objects.filter(mailing=mailing, status="sent").values_list(
            "message_id", flat=True
        )
    )
    assert set(handler.message_ids) == stored
    mailing.refresh_from_db()
    assert mailing.status == "done"


def test_each_message_is_in_the_contacts_language_with_one_click_unsubscribe(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    outbox_work(mailing_id=mailing.pk)
    by_address = {email.utils.parseaddr(m["To"])[1]: m for m in smtp_sink.handler.messages}
    ivan = by_address["ivan@example.org"]
    assert (
        str(email.header.make_header(email.header.decode_header(ivan["Subject"])))
        == "Спасибо, Ivan!"
    )
    # No Kazakh version: the first fallback (Russian) is used.
    aigerim_row = OutboxMessage.objects.get(mailing=mailing, email="aigerim@example.org")
    assert aigerim_row.language == "ru"
    emma = by_address["emma@example.org"]
    assert emma["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = emma["List-Unsubscribe"]
    assert "<http://127.0.0.1:8000/u/" in links
    assert "mailto:" not in links  # no mailbox named: nobody would read it
    assert (
        emma["Message-ID"]
        == OutboxMessage.objects.get(mailing=mailing, email="emma@example.org").message_id
    )
    body = emma.get_payload(decode=True).decode()
    assert "Thanks for coming to Accessible city at Novotel." in body


def test_running_the_send_loop_twice_sends_nothing_twice(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    outbox_work(mailing_id=mailing.pk)
    outbox_work(mailing_id=mailing.pk)
    assert smtp_sink.handler.deliveries == 3


def test_temporary_refusals_are_retried_with_backoff_and_delivered_once(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_RETRY_BASE_SECONDS = 0.2
    smtp_sink.handler.temporary_until = time.monotonic() + 1.0
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    result = outbox_work(mailing_id=mailing.pk)
    assert result.get("retried") == 3
    assert "retry_in" in result
    # A 421 ends the SMTP session: the next message opens a new one and gets its own 421.
    retried = OutboxMessage.objects.filter(mailing=mailing, status="queued")
    first_errors = list(retried.values_list("last_error", flat=True))
    assert all(error.startswith("421") for error in first_errors), first_errors
    deadline = time.monotonic() + 20
    while Mailing.objects.get(pk=mailing.pk).status != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
        outbox_work(mailing_id=mailing.pk)
    assert smtp_sink.handler.temporary_answers >= 3
    assert smtp_sink.handler.deliveries == smtp_sink.handler.distinct() == 3
    rows = OutboxMessage.objects.filter(mailing=mailing, status="sent")
    assert all(row.attempts >= 2 for row in rows)


def test_a_permanent_refusal_fails_that_row_once_and_repeated_bounces_hold_the_address(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_HOLD_AFTER_BOUNCES = 2
    smtp_sink.handler.refuse.add("ivan@example.org")
    for _ in range(2):
        mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
        outbox_work(mailing_id=mailing.pk)
        ivan = OutboxMessage.objects.get(mailing=mailing, email="ivan@example.org")
        assert (ivan.status, ivan.attempts) == ("failed", 1)
        assert ivan.last_error.startswith("550")
    assert EmailHold.objects.get(email="ivan@example.org").held
    assert smtp_sink.handler.sessions == 2  # one per run: a 550 does not end the session
    third = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.get(mailing=third, email="ivan@example.org").reason == "on_hold"


def test_an_opt_out_after_the_audience_was_frozen_is_respected(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.get(mailing=mailing, email="emma@example.org").status == "queued"
    consent_record(
        contact=forum_world["people"]["Emma"], purpose="forum_updates", granted=False, source="link"
    )
    outbox_work(mailing_id=mailing.pk)
    assert statuses(mailing)["Emma"] == ("suppressed", "opted_out")
    assert smtp_sink.handler.recipients["emma@example.org"] == 0


def test_a_mailing_in_a_rolled_back_transaction_queues_and_sends_nothing(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    def request_that_fails():
        with transaction.atomic():
            mailing_start(mailing=make_mailing(forum_world))
            raise RuntimeError("the coordinator's request failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        request_that_fails()
    assert callbacks == []
    assert not Mailing.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert smtp_sink.handler.deliveries == 0


def test_cancel_stops_a_mailing_in_flight(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    mailing_cancel(mailing=mailing)
    outbox_work(mailing_id=mailing.pk)
    assert smtp_sink.handler.deliveries == 0
    assert {s for s, _ in statuses(mailing).values()} == {"suppressed"}
    assert OutboxMessage.objects.filter(mailing=mailing, reason="cancelled").count() == 3


def test_an_abandoned_claim_is_taken_again_after_its_lease_with_the_same_message_id(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    row = OutboxMessage.objects.get(mailing=mailing, email="ivan@example.org")
    # A worker claimed it and died: "sending", lease already over.
    OutboxMessage.objects.filter(pk=row.pk).update(
        status="sending", lease_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    outbox_work(mailing_id=mailing.pk)
    row.refresh_from_db()
    assert row.status == "sent"
    assert smtp_sink.handler.message_ids[row.message_id] == 1


def test_the_sweep_frees_abandoned_claims_and_starts_one_worker_per_waiting_mailing(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from tasks.outreach import outreach_sweep_task

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    OutboxMessage.objects.filter(mailing=mailing, status="queued").update(
        status="sending", lease_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    result = outreach_sweep_task.apply().get()  # in-process: the work it starts runs at once
    assert result["requeued"] == 3
    assert result["kicked"] == [mailing.pk]  # once, not once per waiting message
    mailing.refresh_from_db()
    assert mailing.status == "done"
    assert smtp_sink.handler.deliveries == smtp_sink.handler.distinct() == 3


def test_the_rate_limit_holds_across_a_minute():
    now = [600.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(limit=3, clock=lambda: now[0], sleep=sleep)
    for _ in range(7):
        limiter.wait()
    # 3 in the first minute, 3 in the next, the seventh waits for the third minute.
    assert len(slept) == 2
    assert now[0] == pytest.approx(720.0)


class Hook:
    """A rate limiter stand-in that runs something before the n-th message."""

    def __init__(self, **actions):
        self.calls = 0
        self.actions = actions

    def wait(self, halt=None):
        self.calls += 1
        action = self.actions.get(f"before_{self.calls}")
        if action:
            action()


def send_batch(mailing, token, limiter, settings=None):
    """What one worker does with the rows it holds under ``token``."""
    rows = list(
        OutboxMessage.objects.filter(mailing=mailing, status="sending", claim=token)
        .select_related("contact")
        .order_by("pk")
    )
    return send_batch_rows(rows, mailing, token, limiter)


def test_a_worker_that_outlived_its_lease_sends_nothing_another_worker_took(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from outreach.services.sending.claims import outbox_claim, outbox_requeue_expired

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    assert len(outbox_claim(mailing_id=mailing.pk, size=20, token="slow")) == 3
    # The slow worker's lease runs out; the rows go back and a second worker claims them.
    OutboxMessage.objects.filter(mailing=mailing).update(lease_until=timezone.now())
    outbox_requeue_expired()
    assert len(outbox_claim(mailing_id=mailing.pk, size=20, token="fresh")) == 3
    rows = list(
        OutboxMessage.objects.filter(mailing=mailing, claim="fresh").select_related("contact")
    )
    # The slow worker wakes up holding its old list of rows: it must send none of them.
    long_ago = time.monotonic() - settings.OUTREACH_LEASE_SECONDS
    stale = send_batch_rows(rows, mailing, "slow", Hook(), claimed_at=long_ago)
    assert stale["lost_claim"] == 3
    assert smtp_sink.handler.deliveries == 0
    fresh = send_batch(mailing, "fresh", Hook(), settings)
    assert fresh["sent"] == 3
    assert smtp_sink.handler.deliveries == smtp_sink.handler.distinct() == 3


def send_batch_rows(rows, mailing, token, limiter, claimed_at=None):
    from outreach.messages import mailing_fields
    from outreach.rendering import compile_translation
    from outreach.services.sending.sender import Sender

    compiled = {t.language: compile_translation(t) for t in mailing.template.translations.all()}
    sender = Sender(mailing, compiled, mailing_fields(mailing), limiter, token=token)
    try:
        sender.batch(rows, time.monotonic() if claimed_at is None else claimed_at)
    finally:
        sender.close()
    return sender.stats


def test_an_opt_out_or_a_cancel_during_a_slow_batch_is_seen_before_the_next_message(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    from outreach.services.sending.claims import outbox_claim

    settings.OUTREACH_RECHECK_SECONDS = 0  # every message counts as "a while later"
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    outbox_claim(mailing_id=mailing.pk, size=20, token="w")
    rows = list(OutboxMessage.objects.filter(mailing=mailing, status="sending").order_by("pk"))
    last = rows[-1].contact

    def withdraw():
        consent_record(contact=last, purpose="forum_updates", granted=False, source="link")

    stats = send_batch(mailing, "w", Hook(before_2=withdraw), settings)
    assert stats["sent"] == 2
    assert OutboxMessage.objects.get(pk=rows[-1].pk).reason == "opted_out"

    again = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    outbox_claim(mailing_id=again.pk, size=20, token="w2")

    def cancel():
        Mailing.objects.filter(pk=again.pk).update(status="cancelled")

    stats = send_batch(again, "w2", Hook(before_2=cancel), settings)
    assert stats["sent"] == 1
    claimed = OutboxMessage.objects.filter(mailing=again, claim="w2")
    reasons = sorted(claimed.values_list("status", "reason"))
    assert reasons == [("sent", ""), ("suppressed", "cancelled")]


def test_a_row_that_cannot_be_built_fails_alone_and_templates_in_use_are_locked(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from outreach.services.mailings import template_save

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    # A language the template no longer has (as if it had been edited under the mailing).
    OutboxMessage.objects.filter(mailing=mailing, email="ivan@example.org").update(language="kk")
    mailing.template.translations.filter(language="kk").delete()
    outbox_work(mailing_id=mailing.pk)
    ivan = OutboxMessage.objects.get(mailing=mailing, email="ivan@example.org")
    assert ivan.status == "failed"
    assert ivan.last_error.startswith("not built")
    assert OutboxMessage.objects.filter(mailing=mailing, status="sent").count() == 2
    busy = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        template_save(
            name="x",
            purpose="forum_updates",
            template=busy.template,
            translations=[{"language": "en", "subject": "s", "body_text": "b"}],
        )


def test_the_current_address_is_used_and_a_removed_one_is_not_written_to(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    from crm.models import Contact

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    Contact.objects.filter(email="ivan@example.org").update(email="ivan.new@example.org")
    Contact.objects.filter(email="emma@example.org").update(email=None)
    outbox_work(mailing_id=mailing.pk)
    assert smtp_sink.handler.recipients["ivan.new@example.org"] == 1
    assert smtp_sink.handler.recipients["ivan@example.org"] == 0
    assert smtp_sink.handler.recipients["emma@example.org"] == 0
    rows = {r.contact.given_name: r for r in OutboxMessage.objects.filter(mailing=mailing)}
    assert rows["Ivan"].email == "ivan.new@example.org"
    assert (rows["Emma"].status, rows["Emma"].reason) == ("suppressed", "no_email")


def test_holds_are_checked_on_the_address_a_message_would_go_to_now(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    """The send loop asks the preview's question (outreach.exclusions) of the current
    address: a corrected address on hold is not written to, and a frozen one put on hold
    after its correction does not stop the message."""
    from crm.models import Contact

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    EmailHold.objects.create(email="ivan.new@example.org", held=True)
    EmailHold.objects.create(email="emma@example.org", held=True)
    Contact.objects.filter(email="ivan@example.org").update(email="ivan.new@example.org")
    Contact.objects.filter(email="emma@example.org").update(email="emma.new@example.org")
    outbox_work(mailing_id=mailing.pk)
    assert statuses(mailing)["Ivan"] == ("suppressed", "on_hold")
    assert statuses(mailing)["Emma"] == ("sent", "")
    assert smtp_sink.handler.recipients["ivan.new@example.org"] == 0
    assert smtp_sink.handler.recipients["emma.new@example.org"] == 1


def test_the_sweep_leaves_rows_waiting_for_their_backoff_alone(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from tasks.outreach import outreach_sweep_task

    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    later = timezone.now() + timezone.timedelta(minutes=5)
    OutboxMessage.objects.filter(mailing=mailing, status="queued").update(not_before=later)
    assert outreach_sweep_task.apply().get()["kicked"] == []
    assert smtp_sink.handler.deliveries == 0


def big_mailing(size: int):
    """``size`` consenting attendees, frozen into a mailing nobody is sending yet."""
    from outreach.services.mailings import template_save
    from tests.outreach.helpers import consenting_attendees

    forum, _ids = consenting_attendees(size)
    template = template_save(
        name="Thanks",
        purpose="forum_updates",
        translations=[{"language": "ru", "subject": "Спасибо", "body_text": "{{ forum.title }}"}],
    )
    return mailing_start(
        mailing=mailing_create(
            name="Thanks",
            purpose="forum_updates",
            template=template,
            audience=ForumAudience(forum=forum.pk, statuses=("attended",)),
        )
    )


def needs_threads(settings, senders=3):
    from django.db import connection

    from tests.conftest import service_unavailable

    if connection.vendor != "postgresql":
        service_unavailable("sender threads need PostgreSQL (on SQLite one sender runs)")
    settings.OUTREACH_SENDERS, settings.OUTREACH_BATCH = senders, 4
    settings.OUTREACH_WORKERS_PER_MAILING = 0  # the test runs the send itself


@pytest.mark.django_db(transaction=True)
def test_sender_threads_share_a_mailing_and_take_turns_for_each_acceptance(
    smtp_sink, settings, monkeypatch
):
    import threading

    from outreach.services.sending import sender

    needs_threads(settings)
    mailing = big_mailing(60)
    seen = []  # (step, thread) at each message's last line and at each record
    content_end, record_sent = sender.content_end, sender.Sender.record_sent

    def watched_end(smtp):
        seen.append(("end", threading.get_ident()))
        time.sleep(0.001)  # widen the window another thread would need to slip in
        return content_end(smtp)

    def watched_record(self, row):
        seen.append(("record", threading.get_ident()))
        return record_sent(self, row)

    monkeypatch.setattr(sender, "content_end", watched_end)
    monkeypatch.setattr(sender.Sender, "record_sent", watched_record)
    result = outbox_work(mailing_id=mailing.pk)
    assert result["sent"] == 60
    assert result["done"]
    assert smtp_sink.handler.deliveries == smtp_sink.handler.distinct() == 60
    # Each acceptance is followed by its own record before any other thread's acceptance.
    assert len(seen) == 120
    for (first, first_thread), (then, then_thread) in zip(seen[::2], seen[1::2], strict=True):
        assert (first, then, first_thread) == ("end", "record", then_thread)
    assert len({thread for _step, thread in seen}) > 1  # the work was shared


@pytest.mark.django_db(transaction=True)
def test_once_a_send_cannot_be_recorded_no_other_thread_has_a_message_accepted(
    smtp_sink, settings, monkeypatch
):
    from outreach.services.sending import sent_record

    needs_threads(settings)
    mailing = big_mailing(60)
    statement, calls = sent_record.sent_statement, []

    def failing_from_the_tenth():
        calls.append(1)
        broken = "UPDATE no_such_table SET a = %s, b = %s, c = %s, d = %s, e = %s, f = %s"
        return statement() if len(calls) < 10 else broken

    monkeypatch.setattr(sent_record, "sent_statement", failing_from_the_tenth)
    with pytest.raises(Exception, match="no_such_table"):
        outbox_work(mailing_id=mailing.pk)
    sent = OutboxMessage.objects.filter(mailing=mailing, status="sent").count()
    assert sent == 9
    # The one message accepted but not recorded, and nothing after it from any thread.
    assert smtp_sink.handler.deliveries == sent + 1
    assert OutboxMessage.objects.filter(mailing=mailing, status="sending").count() >= 1


def test_a_reply_lost_after_a_message_is_sent_again_later_with_the_same_message_id(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_RETRY_BASE_SECONDS = 0.1
    smtp_sink.handler.drop_after_content = True
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    first = outbox_work(mailing_id=mailing.pk)
    assert first["retried"] == 3
    rows = OutboxMessage.objects.filter(mailing=mailing, status="queued")
    assert all("no reply after the end of the message" in row.last_error for row in rows)
    smtp_sink.handler.drop_after_content = False
    time.sleep(0.3)
    outbox_work(mailing_id=mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == "done"
    # Each of the three arrived twice, under one Message-ID each.
    assert smtp_sink.handler.deliveries == 6
    assert smtp_sink.handler.distinct() == 3


def test_a_row_taken_over_while_its_sender_waited_for_its_turn_is_not_sent(
    forum_world, smtp_sink, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from outreach.services.sending import sender

    settings.OUTREACH_LEASE_SECONDS = 0  # every check finds half the lease gone
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    content_send, taken = sender.content_send, []

    def another_worker_takes_the_first(smtp, data):
        content_send(smtp, data)
        if not taken:  # between this message's content and its turn
            row = OutboxMessage.objects.filter(mailing=mailing, status="sending").first()
            OutboxMessage.objects.filter(pk=row.pk).update(
                claim="another worker", lease_until=timezone.now() + dt.timedelta(hours=1)
            )
            taken.append(row.pk)

    monkeypatch.setattr(sender, "content_send", another_worker_takes_the_first)
    stats = outbox_work(mailing_id=mailing.pk)
    assert stats["lost_claim"] == 1
    assert stats["sent"] == 2
    # Its content had reached the server, but never its last line: nothing was delivered.
    assert smtp_sink.handler.deliveries == smtp_sink.handler.distinct() == 2
    lost = OutboxMessage.objects.get(pk=taken[0])
    assert (lost.status, lost.claim) == ("sending", "another worker")


def test_a_network_error_from_another_mail_backend_is_retried_like_any_other(
    forum_world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail.backends import locmem

    def refused(self, messages):
        raise ConnectionRefusedError("the provider is down")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refused)
    mailing = freeze(make_mailing(forum_world), django_capture_on_commit_callbacks)
    stats = outbox_work(mailing_id=mailing.pk)
    assert stats["retried"] == 3
    rows = OutboxMessage.objects.filter(mailing=mailing, status="queued")
    assert all("the provider is down" in row.last_error for row in rows)
