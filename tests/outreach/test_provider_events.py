"""Bounces and complaints reported by an e-mail provider (django-anymail's tracking signal)."""

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from crm.models import Consent
from outreach.audience import ForumAudience
from outreach.models import EmailHold, OutboxMessage
from outreach.services.mailings import mailing_create, mailing_start
from outreach.services.sending.work import outbox_work

pytestmark = pytest.mark.django_db


def report(event_type, recipient):
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient=recipient, description="test"),
        esp_name="Test",
    )


def test_bounces_mark_the_message_and_hold_the_address_after_enough_of_them(
    forum_world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_HOLD_AFTER_BOUNCES = 2
    audience = ForumAudience(forum=forum_world["forum"].pk, statuses=("attended",))
    mailing = mailing_create(
        name="M", purpose="forum_updates", template=forum_world["template"], audience=audience
    )
    with django_capture_on_commit_callbacks(execute=False):
        mailing_start(mailing=mailing)
    outbox_work(mailing_id=mailing.pk)
    report("bounced", "ivan@example.org")
    assert OutboxMessage.objects.get(mailing=mailing, email="ivan@example.org").status == "bounced"
    assert not EmailHold.objects.get(email="ivan@example.org").held
    report("bounced", "ivan@example.org")
    assert EmailHold.objects.get(email="ivan@example.org").held


def test_a_complaint_holds_the_address_and_withdraws_every_consent(forum_world):
    report("complained", "emma@example.org")
    assert EmailHold.objects.get(email="emma@example.org").held
    emma = forum_world["people"]["Emma"]
    latest = {
        purpose: Consent.objects.filter(contact=emma, purpose=purpose).latest("recorded_at", "id")
        for purpose in ("forum_updates", "working_group")
    }
    assert all(c.granted is False and c.source == "complaint" for c in latest.values())
