"""Unsubscribe and invitation links (no login), and the outreach API."""

import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from crm.models import Consent, WorkingGroupMembership
from crm.selectors.consent import consent_states
from outreach.models import Invitation, Mailing
from outreach.services.invitations import invitation_reminders_due
from outreach.services.mailings import follow_up_set, follow_ups_due, mailings_due
from outreach.services.sending.work import outbox_work
from outreach.tokens import invitation_token, unsubscribe_token

pytestmark = pytest.mark.django_db


def link_in(message, kind):
    body = (
        message.get_payload(decode=True)
        if not message.is_multipart()
        else message.get_payload(0).get_payload(decode=True)
    )
    return re.search(rf"http://127\.0\.0\.1:8000(/{kind}/[^\s]+/)", body.decode()).group(1)


def send_all(capture, call):
    """Run a service that starts mailings, then the send loop for each."""
    with capture(execute=False):
        result = call()
    for mailing in Mailing.objects.filter(status="sending"):
        outbox_work(mailing_id=mailing.pk)
    return result


# --- unsubscribe ---------------------------------------------------------------------------


def test_one_click_unsubscribe_records_a_withdrawal_without_login_or_cookies(forum_world):
    emma = forum_world["people"]["Emma"]
    token = unsubscribe_token(contact_id=emma.pk, purpose="forum_updates", message_id=None)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(f"/u/{token}/")
    assert page.status_code == 200
    assert "unsubscribe" in page.content.decode().lower()
    assert Consent.objects.filter(contact=emma, granted=False).count() == 0  # GET changes nothing
    one_click = anonymous.post(f"/u/{token}/", {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200  # not a redirect
    withdrawal = Consent.objects.filter(contact=emma, purpose="forum_updates").latest("recorded_at")
    assert (withdrawal.granted, withdrawal.source) == (False, "link")
    anonymous.post(f"/u/{token}/")
    assert Consent.objects.filter(contact=emma, granted=False).count() == 1  # once only


@pytest.mark.parametrize("kind", ["u", "i"])
def test_forged_and_malformed_tokens_are_404_and_change_nothing(forum_world, kind):
    emma = forum_world["people"]["Emma"]
    before = (Consent.objects.count(), WorkingGroupMembership.objects.count())
    if kind == "u":
        good = unsubscribe_token(contact_id=emma.pk, purpose="forum_updates", message_id=None)
        salt = "outreach.unsubscribe"
    else:
        invitation = Invitation.objects.create(working_group=forum_world["group"], contact=emma)
        good = invitation_token(invitation_id=invitation.pk, answer="accept")
        salt = "outreach.invitation"
    forged = good[:-3] + ("abc" if not good.endswith("abc") else "xyz")
    other_salt = signing.dumps({"c": emma.pk, "p": "forum_updates", "i": 1, "a": "accept"})
    # Signed with our key and salt but not made by our code: answered as a forgery.
    malformed = [signing.dumps(value, salt=salt) for value in
                 ({}, [1, 2], {"c": [emma.pk], "p": "x"}, {"i": "1", "a": "accept"})]  # fmt: skip
    client = Client()
    for token in (forged, other_salt, "nonsense", *malformed):
        assert client.get(f"/{kind}/{token}/").status_code == 404
        assert client.post(f"/{kind}/{token}/").status_code == 404
    assert (Consent.objects.count(), WorkingGroupMembership.objects.count()) == before


def test_an_invitation_answer_expires(forum_world, settings):
    invitation = Invitation.objects.create(
        working_group=forum_world["group"], contact=forum_world["people"]["Emma"]
    )
    token = invitation_token(invitation_id=invitation.pk, answer="accept")
    settings.OUTREACH_INVITATION_MAX_AGE = -1
    assert Client().post(f"/i/{token}/").status_code == 404
    assert not WorkingGroupMembership.objects.filter(contact=forum_world["people"]["Emma"]).exists()


def test_an_unsubscribe_link_from_an_old_e_mail_still_works(forum_world):
    """A withdrawal must always win: a link years old is still a withdrawal."""
    emma = forum_world["people"]["Emma"]
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 5 * 365 * 86400):
        token = unsubscribe_token(contact_id=emma.pk, purpose="forum_updates", message_id=None)
    assert Client().post(f"/u/{token}/").status_code == 200
    assert consent_states([emma.pk])[emma.pk]["forum_updates"] is False


# --- invitations ---------------------------------------------------------------------------


def test_invitations_accept_decline_and_one_reminder(
    forum_world, smtp_sink, coordinator_api, django_capture_on_commit_callbacks
):
    people = forum_world["people"]
    group = forum_world["group"]

    def invite():
        return coordinator_api.post(
            "/api/v1/invitations/",
            {"working_group": group.pk,
             "contacts": [people["Emma"].pk, people["Ivan"].pk, people["Aigerim"].pk],
             "template": forum_world["invitation_template"].pk},
            format="json",
        )  # fmt: skip

    response = send_all(django_capture_on_commit_callbacks, invite)
    assert response.status_code == 201, response.content
    assert len(response.json()["invitations"]) == 3
    messages = {m["To"]: m for m in smtp_sink.handler.messages}
    client = Client()
    accept = link_in(messages["emma@example.org"], "i").replace("/i/", "/i/", 1)
    # Emma's message carries accept and decline links; GET only asks to confirm.
    assert client.get(accept).status_code == 200
    assert not WorkingGroupMembership.objects.filter(contact=people["Emma"]).exists()
    assert client.post(accept).status_code == 200
    assert WorkingGroupMembership.objects.filter(
        contact=people["Emma"], working_group=group
    ).exists()
    ivan_links = re.findall(
        r"/i/[^\s]+/", messages["ivan@example.org"].get_payload(decode=True).decode()
    )
    client.post(ivan_links[1])  # decline
    statuses = dict(Invitation.objects.values_list("contact__given_name", "status"))
    assert statuses == {"Emma": "accepted", "Ivan": "declined", "Aigerim": "pending"}
    # A week later the one who did not answer is reminded, once.
    Mailing.objects.filter(invitations__isnull=False).update(
        started=timezone.now() - dt.timedelta(days=8)
    )
    before = smtp_sink.handler.deliveries
    send_all(django_capture_on_commit_callbacks, invitation_reminders_due)
    send_all(django_capture_on_commit_callbacks, invitation_reminders_due)
    assert smtp_sink.handler.deliveries == before + 1
    assert smtp_sink.handler.recipients["aigerim@example.org"] == 2
    # Inviting again skips the member and the one still waiting (a refusal may be asked
    # again: Ivan gets a new invitation).
    again = send_all(django_capture_on_commit_callbacks, invite).json()
    assert again["skipped"] == {str(people["Emma"].pk): "member",
                                str(people["Aigerim"].pk): "already invited"}  # fmt: skip
    assert [i["contact_name"] for i in again["invitations"]] == ["Ivan Test"]
    # Invitations and answers are in the contact's history.
    history = coordinator_api.get(f"/api/v1/contacts/{people['Emma'].pk}/history/").json()[
        "results"
    ]
    assert {(h["model"], h["kind"]) for h in history} >= {
        ("invitation", "created"),
        ("invitation", "changed"),
    }


# --- follow-ups and scheduling -------------------------------------------------------------


def test_a_follow_up_goes_once_n_days_after_the_forum(
    forum_world, smtp_sink, django_capture_on_commit_callbacks
):
    forum = forum_world["forum"]
    follow_up_set(forum=forum, template=forum_world["template"], days_after=3)
    forum.date = timezone.localdate() - dt.timedelta(days=2)
    forum.save()
    assert send_all(django_capture_on_commit_callbacks, follow_ups_due) == []
    forum.date = timezone.localdate() - dt.timedelta(days=3)
    forum.save()
    started = send_all(django_capture_on_commit_callbacks, follow_ups_due)
    assert len(started) == 1
    assert send_all(django_capture_on_commit_callbacks, follow_ups_due) == []  # a restart
    assert smtp_sink.handler.deliveries == 3
    assert set(smtp_sink.handler.recipients) == {
        "aigerim@example.org",
        "ivan@example.org",
        "emma@example.org",
    }


def test_a_scheduled_mailing_starts_once_when_due(
    forum_world, smtp_sink, coordinator_api, django_capture_on_commit_callbacks
):
    created = coordinator_api.post(
        "/api/v1/mailings/",
        {"name": "Later", "purpose": "forum_updates", "template": forum_world["template"].pk,
         "audience": {"forum": forum_world["forum"].pk, "status": ["attended"]}},
        format="json",
    ).json()  # fmt: skip
    url = f"/api/v1/mailings/{created['id']}/schedule/"
    # A time already past is refused: that is "send now", not a schedule.
    past = coordinator_api.post(url, {"days_after_forum": 2})
    assert past.status_code == 400
    assert "days_after_forum" in past.json()
    forum = forum_world["forum"]
    forum.date = timezone.localdate() + dt.timedelta(days=1)
    forum.save()
    scheduled = coordinator_api.post(url, {"days_after_forum": 2})
    assert scheduled.json()["status"] == "scheduled"
    due = (forum.date + dt.timedelta(days=2)).isoformat()
    assert scheduled.json()["send_at"].startswith(f"{due}T10:00")
    assert send_all(django_capture_on_commit_callbacks, mailings_due) == []  # not yet
    Mailing.objects.filter(pk=created["id"]).update(send_at=timezone.now())  # time passes
    assert send_all(django_capture_on_commit_callbacks, mailings_due) == [created["id"]]
    assert send_all(django_capture_on_commit_callbacks, mailings_due) == []
    assert smtp_sink.handler.deliveries == 3


# --- the API -------------------------------------------------------------------------------


def test_templates_are_checked_when_saved(coordinator_api, db):
    translation = {"language": "en", "subject": "Hi {{ contact.given_name }}",
                   "body_text": "{{ forum.title }}"}  # fmt: skip
    good = {"name": "T", "purpose": "forum_updates", "translations": [translation]}
    assert coordinator_api.post("/api/v1/templates/", good, format="json").status_code == 201
    broken = {
        **good,
        "name": "Broken",
        "translations": [{**good["translations"][0], "body_text": "{% if %}"}],
    }
    response = coordinator_api.post("/api/v1/templates/", broken, format="json")
    assert response.status_code == 400
    assert "Template error" in str(response.json())
    typo = {
        **good,
        "name": "Typo",
        "translations": [{**good["translations"][0], "subject": "{{ forum.titel }}"}],
    }
    response = coordinator_api.post("/api/v1/templates/", typo, format="json")
    assert response.status_code == 400
    assert "forum.titel" in str(response.json())
    twice = {**good, "name": "Twice", "translations": good["translations"] * 2}
    assert coordinator_api.post("/api/v1/templates/", twice, format="json").status_code == 400
    include = {
        **good,
        "name": "Sneaky",
        "translations": [{**good["translations"][0], "body_text": "{% include 'x.html' %}"}],
    }
    assert coordinator_api.post("/api/v1/templates/", include, format="json").status_code == 400


def test_mailing_lifecycle_over_the_api(
    forum_world, smtp_sink, coordinator_api, viewer_api, django_capture_on_commit_callbacks
):
    body = {"name": "Thanks", "purpose": "forum_updates", "template": forum_world["template"].pk,
            "audience": {"forum": forum_world["forum"].pk, "status": ["attended"]}}  # fmt: skip
    created = coordinator_api.post("/api/v1/mailings/", body, format="json")
    assert created.status_code == 201, created.content
    mailing_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    recipients = coordinator_api.get(f"/api/v1/mailings/{mailing_id}/recipients/").json()
    assert recipients["summary"] == {"will_receive": 3, "no_consent": 1, "opted_out": 1}
    ivan = forum_world["people"]["Ivan"].pk
    preview = coordinator_api.post(f"/api/v1/mailings/{mailing_id}/preview/", {"contact": ivan})
    preview = preview.json()
    assert (preview["language"], preview["subject"]) == ("ru", "Спасибо, Ivan!")
    assert viewer_api.post(f"/api/v1/mailings/{mailing_id}/send/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        sent = coordinator_api.post(f"/api/v1/mailings/{mailing_id}/send/")
    assert sent.status_code == 202
    progress = coordinator_api.get(f"/api/v1/mailings/{mailing_id}/").json()
    assert progress["status"] == "done"
    assert progress["counts"] == {
        "queued": 0,
        "sending": 0,
        "sent": 3,
        "failed": 0,
        "suppressed": 2,
        "bounced": 0,
    }
    outbox = coordinator_api.get(
        f"/api/v1/mailings/{mailing_id}/outbox/", {"status": "suppressed"}
    ).json()
    assert {r["reason"] for r in outbox["results"]} == {"no_consent", "opted_out"}
    again = coordinator_api.post(f"/api/v1/mailings/{mailing_id}/send/")
    assert again.status_code == 400  # already sent
    assert smtp_sink.handler.deliveries == 3


@pytest.mark.parametrize(
    "audience",
    [
        {},
        {"forum": 10**9},
        {"forum": 1, "contacts": [1]},
        {"contacts": "all"},
        "everyone",
        {"lapsed": {"missed": 0}},
        {"contact_list": 10**9},
        {"forum": 1, "status": ["maybe"]},
    ],
)
def test_a_bad_audience_is_400(forum_world, coordinator_api, audience):
    body = {"name": "X", "purpose": "forum_updates", "template": forum_world["template"].pk,
            "audience": audience}  # fmt: skip
    response = coordinator_api.post("/api/v1/mailings/", body, format="json")
    assert response.status_code == 400
    assert not Mailing.objects.exists()


def test_purpose_and_template_must_match(forum_world, coordinator_api):
    body = {"name": "X", "purpose": "working_group", "template": forum_world["template"].pk,
            "audience": {"contacts": [forum_world["people"]["Emma"].pk]}}  # fmt: skip
    response = coordinator_api.post("/api/v1/mailings/", body, format="json")
    assert response.status_code == 400
    assert "template" in response.json()


def test_duplicate_addresses_are_left_out(forum_world):
    from crm.services.consent import consent_record
    from crm.services.contacts import contact_create
    from outreach.audience import ContactsAudience
    from outreach.selectors import recipient_list

    twin = contact_create(given_name="Twin", email="e.mma+news@gmail.com")
    first = contact_create(given_name="First", email="emma@gmail.com")
    for contact in (twin, first):
        consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
    rows = recipient_list(
        audience=ContactsAudience(contacts=(twin.pk, first.pk)), purpose="forum_updates"
    )
    assert [r.reason for r in rows] == ["", "duplicate"]


def test_a_follow_up_is_due_within_a_year_at_most(forum_world, coordinator_api):
    """Found by a probe: a billion days was accepted, and computing its date then stopped
    every follow-up of the installation."""
    body = {"forum": forum_world["forum"].pk, "template": forum_world["template"].pk}
    too_late = coordinator_api.post("/api/v1/follow-ups/", {**body, "days_after": 1_000_000_000})
    assert too_late.status_code == 400
    assert "days_after" in too_late.json()
    made = coordinator_api.post("/api/v1/follow-ups/", {**body, "days_after": 365})
    assert made.status_code == 201
    patched = coordinator_api.patch(f"/api/v1/follow-ups/{made.json()['id']}/", {"days_after": 366})
    assert patched.status_code == 400
    assert len(follow_ups_due()) == 1  # the scheduler runs (a 2019 forum: a year has passed)
