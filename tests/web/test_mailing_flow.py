"""The mailing flow without traps: fields by audience kind, one saved list per lapsed
definition, a confirmation that names the number of recipients, a plain result, invitations
that say when they were not sent, candidates' consent before inviting, the age of the lapsed
list, and links in e-mails that point where the app is served."""

import pytest
from django.urls import reverse

from crm.models import ContactList
from crm.services.consent import consent_record
from outreach.checks import _public_url_problems
from outreach.models import EmailHold, Invitation, Mailing, OutboxMessage
from tests.web.conftest import build_world
from tests.web.test_pages import count_queries

pytestmark = pytest.mark.django_db


def test_the_compose_page_marks_each_audience_field_with_its_kind(world, coordinator_client):
    page = coordinator_client.get(reverse("web:mailing_new")).content.decode()
    assert 'class="field-forum" data-audience-kind="forum"' in page
    assert 'class="field-statuses" data-audience-kind="forum"' in page
    assert 'class="field-working_group" data-audience-kind="working_group"' in page
    assert 'class="field-contact_list" data-audience-kind="contact_list"' in page
    assert 'class="field-missed" data-audience-kind="lapsed"' in page
    assert 'class="field-name">' in page  # shared fields always show
    assert "data-audience-kinds" in page  # the select app.js follows
    assert "/templates/new/?purpose=forum_updates&amp;next=" in page


def test_email_them_twice_reuses_one_list(world, coordinator_client):
    first = coordinator_client.post(reverse("web:lapsed_email"), {"missed": 1})
    second = coordinator_client.post(reverse("web:lapsed_email"), {"missed": 1})
    assert ContactList.objects.count() == 1
    assert first.url == second.url
    coordinator_client.post(reverse("web:lapsed_email"), {"missed": 2})
    assert ContactList.objects.count() == 2  # another rule is another list


def test_send_now_asks_again_when_the_number_changed(
    world, coordinator_client, smtp_sink, django_capture_on_commit_callbacks
):
    from outreach.audience import ForumAudience
    from outreach.services.mailings import mailing_create

    forum = world["forums"][0]
    mailing = mailing_create(
        name="Thanks", purpose="forum_updates", template=world["thanks"],
        audience=ForumAudience(forum=forum.pk, statuses=("attended",)),
    )  # fmt: skip
    page = coordinator_client.get(reverse("web:mailing", args=[mailing.pk])).content.decode()
    count = int(page.split('id="will-receive">')[1].split("<")[0])
    assert f'name="recipients" value="{count}"' in page
    assert f"Send it now to {count} people?" in page
    response = coordinator_client.post(
        reverse("web:mailing_send", args=[mailing.pk]), {"recipients": count + 1}, follow=True
    )
    assert f"It will now go to {count} people: confirm again to send." in (
        response.content.decode()
    )
    mailing.refresh_from_db()
    assert mailing.status == "draft"
    assert not OutboxMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("web:mailing_send", args=[mailing.pk]), {"recipients": count}
        )
    mailing.refresh_from_db()
    assert mailing.status == "done"
    page = coordinator_client.get(reverse("web:mailing", args=[mailing.pk])).content.decode()
    assert f'id="result-sent">{count}<' in page
    assert 'id="result-failed">0<' in page
    assert 'id="result-bounced">0<' in page


def test_invitations_not_sent_say_why_wherever_they_appear(
    world, coordinator_client, smtp_sink, django_capture_on_commit_callbacks
):
    group = world["group"]
    willing, unwilling, held = world["contacts"][1:4]
    for contact in (willing, held):
        consent_record(contact=contact, purpose="working_group", granted=True, source="form")
    EmailHold.objects.create(email=held.email, held=True)
    page = coordinator_client.get(reverse("web:working_group", args=[group.pk])).content.decode()
    assert "Can be invited by e-mail" in page
    assert "No consent for this purpose" in page  # before anyone is invited
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("web:working_group_invite", args=[group.pk]),
            {"contacts": [willing.pk, unwilling.pk, held.pk], "template": world["invite"].pk},
        )
    assert Invitation.objects.filter(working_group=group).count() == 3
    page = coordinator_client.get(reverse("web:working_group", args=[group.pk])).content.decode()
    assert "E-mail sent" in page
    assert "E-mail not sent: No consent for this purpose" in page
    assert "E-mail not sent: Address on hold after bounces" in page
    contact_page = coordinator_client.get(reverse("web:contact", args=[unwilling.pk]))
    assert "E-mail not sent: No consent for this purpose" in contact_page.content.decode()


def test_the_lapsed_list_says_how_old_it_is_and_offers_a_recompute(
    world, coordinator_client, viewer_client
):
    page = coordinator_client.get(reverse("web:engagement")).content.decode()
    assert "attendance recorded since then is not counted" in page
    assert 'id="recompute"' in page
    assert reverse("engagement-recompute-list") in page
    assert 'id="recompute"' not in viewer_client.get(reverse("web:engagement")).content.decode()


def test_working_group_page_queries_stay_constant_with_invitations(
    coordinator_client, smtp_sink, django_capture_on_commit_callbacks
):
    from outreach.services.invitations import invitations_send

    counts = []
    for people, tag in ((6, ""), (18, "-more")):
        world = build_world(people=people, forums=3, tag=tag)
        # A third of the people invited: some invitations, and candidates left to suggest.
        invited = world["contacts"][1 : people // 3 + 1]
        with django_capture_on_commit_callbacks(execute=True):
            invitations_send(
                working_group=world["group"], contacts=invited, template=world["invite"]
            )
        group_page = reverse("web:working_group", args=[world["group"].pk])
        contact_page = reverse("web:contact", args=[invited[0].pk])
        counts.append(
            (count_queries(coordinator_client, group_page),
             count_queries(coordinator_client, contact_page))
        )  # fmt: skip
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("url", "allowed", "serving", "expected"),
    [
        ("http://127.0.0.1:8000", ["127.0.0.1"], "http://127.0.0.1:8000", []),
        ("https://crm.example.org", [".example.org"], None, []),
        ("http://127.0.0.1:8000", ["127.0.0.1"], "http://127.0.0.1:8123", ["outreach.W003"]),
        ("http://127.0.0.1:8000", ["127.0.0.1"], "http://0.0.0.0:8000", []),
        ("https://crm.example.org", ["127.0.0.1", "localhost"], None, ["outreach.W002"]),
        ("http://[::1]:8000", ["[::1]"], None, []),
        ("crm.example.org", ["crm.example.org"], None, ["outreach.W001"]),
    ],
)
def test_a_wrong_public_url_is_a_start_up_warning(url, allowed, serving, expected):
    problems = _public_url_problems(url, allowed_hosts=allowed, serving=serving)
    assert [p.id for p in problems] == expected


def test_make_run_serves_links_on_its_own_address():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "OUTREACH_PUBLIC_URL=$${OUTREACH_PUBLIC_URL:-http://$(HOST):$(PORT)}" in makefile
    assert 'echo "App: http://$(HOST):$(PORT)/' in makefile


def test_mailings_already_sent_cannot_be_sent_again(world, coordinator_client):
    from outreach.audience import ForumAudience
    from outreach.services.mailings import mailing_cancel, mailing_create

    mailing = mailing_create(
        name="Thanks", purpose="forum_updates", template=world["thanks"],
        audience=ForumAudience(forum=world["forums"][0].pk),
    )  # fmt: skip
    mailing_cancel(mailing=mailing)
    response = coordinator_client.post(
        reverse("web:mailing_send", args=[mailing.pk]), {"recipients": 0}, follow=True
    )
    assert "already sent or cancelled" in response.content.decode()
    assert Mailing.objects.get(pk=mailing.pk).status == "cancelled"
    assert 'id="mailing-result"' in response.content.decode()


def test_compose_names_each_template_with_its_purpose_and_refuses_a_mismatch(
    coordinator_client,
):
    from outreach.models import Mailing
    from outreach.services.mailings import template_save

    invite = template_save(
        name="Join us",
        purpose="working_group",
        translations=[{"language": "en", "subject": "Join", "body_text": "Hello"}],
    )
    page = coordinator_client.get(reverse("web:mailing_new")).content.decode()
    assert "Join us · Working-group invitations" in page
    response = coordinator_client.post(
        reverse("web:mailing_new"),
        {
            "name": "Thanks",
            "purpose": "forum_updates",
            "template": invite.pk,
            "audience_kind": "lapsed",
        },
    )
    assert response.status_code == 200
    assert "This template is for" in response.content.decode()
    assert not Mailing.objects.exists()
