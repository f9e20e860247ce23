"""The coordinators' pages: what they show, who may change what, and a constant number of
queries whatever the amount of data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact, ContactList, Participation
from outreach.models import Invitation, Mailing, OutboxMessage
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db


def pages(world) -> dict[str, str]:
    contact, forum, group = world["contacts"][1], world["forums"][0], world["group"]
    return {
        "dashboard": reverse("web:dashboard"),
        "contacts": reverse("web:contacts"),
        "contact": reverse("web:contact", args=[contact.pk]),
        "organisations": reverse("web:organisations"),
        "organisation": reverse("web:organisation", args=[world["organisations"][0].pk]),
        "forums": reverse("web:forums"),
        "forum": reverse("web:forum", args=[forum.pk]),
        "check-in": reverse("web:forum_check_in", args=[forum.pk]),
        "working groups": reverse("web:working_groups"),
        "working group": reverse("web:working_group", args=[group.pk]),
        "network": reverse("web:network"),
        "engagement": reverse("web:engagement"),
        "mailings": reverse("web:mailings"),
    }


def test_every_page_shows_its_content_to_a_coordinator(world, coordinator_client):
    expected = {
        "dashboard": ["Who came, by sector", "Top brokers", "sector-mix-data"],
        "contacts": [world["contacts"][1].full_name, "Export CSV", "New contact"],
        "contact": ["Affiliations", "Network position", "Forum 1", "Change history", "Edit"],
        "organisations": ["Org government"],
        "organisation": ["People now", "Organisation network"],
        "forums": ["WeAlmaty", "Forum 4"],
        "forum": ["Attendees by sector and role", "Sector balance against the target"],
        "check-in": ["Mark attended", world["contacts"][2].full_name],
        "working groups": ["Tourism brand"],
        "working group": ["Suggested candidates", "Invite the selected"],
        "network": ['id="graph"', "vendor/sigma/sigma.min.js", "Ties between sectors"],
        "engagement": ["Cohort retention", "returning-data", "Lapsed regulars"],
        "mailings": ["New mailing"],
    }
    for name, url in pages(world).items():
        response = coordinator_client.get(url)
        assert response.status_code == 200, name
        text = response.content.decode()
        for snippet in expected[name]:
            assert snippet in text, (name, snippet)


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    for url in pages(world).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_viewer_reads_everything_but_sees_no_edit_buttons(world, viewer_client):
    forbidden = [">New contact<", ">Edit<", ">Mark attended<", ">Invite the selected<",
                 ">New mailing<", "Email them (", ">Check-in</a>", 'name="contacts"']  # fmt: skip
    for name, url in pages(world).items():
        response = viewer_client.get(url)
        assert response.status_code == 200, name
        text = response.content.decode()
        for snippet in forbidden:
            assert snippet not in text, (name, snippet)


def test_a_viewer_cannot_post_and_nothing_changes(world, viewer_client):
    contact, forum = world["contacts"][1], world["forums"][0]
    participation = Participation.objects.filter(forum=forum).exclude(status="attended").first()
    posts = [
        (reverse("web:contact_new"), {"given_name": "Intruder", "language": "ru"}),
        (reverse("web:contact_edit", args=[contact.pk]),
         {"given_name": "Changed", "language": "ru"}),
        (reverse("web:participation_mark", args=[participation.pk]), {"status": "attended"}),
        (reverse("web:working_group_invite", args=[world["group"].pk]),
         {"contacts": [contact.pk], "template": world["invite"].pk}),
        (reverse("web:lapsed_email"), {"missed": 1}),
        (reverse("web:mailing_new"), {"name": "x"}),
    ]  # fmt: skip
    before = (Contact.objects.count(), Invitation.objects.count(), ContactList.objects.count())
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    participation.refresh_from_db()
    contact.refresh_from_db()
    assert participation.status != "attended"
    assert contact.given_name != "Changed"
    after = (Contact.objects.count(), Invitation.objects.count(), ContactList.objects.count())
    assert before == after


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["dashboard", "contacts", "contact", "organisations", "organisation", "forums",
             "forum", "check-in", "working groups", "working group", "network", "engagement",
             "mailings"],
)  # fmt: skip
def test_pages_run_the_same_number_of_queries_whatever_the_data(name, coordinator_client):
    small = build_world(people=6, forums=3)
    url = pages(small)[name] + ("?page_size=100" if name in ("contacts",) else "")
    first = count_queries(coordinator_client, url)
    # Three times the people, more forums, organisations and snapshots on the same pages.
    bigger = build_world(people=18, forums=5, tag="-more")
    url = pages(bigger)[name] + ("?page_size=100" if name in ("contacts",) else "")
    assert count_queries(coordinator_client, url) == first


def test_contacts_filter_search_across_scripts_and_export_the_view(world, coordinator_client):
    response = coordinator_client.get(reverse("web:contacts"), {"search": "aigerim"})
    text = response.content.decode()
    assert "Айгерим0" in text
    assert "Ivan1" not in text
    response = coordinator_client.get(
        reverse("web:contacts"), {"sector": "business", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    expected = Contact.objects.filter(sector="business").count()
    assert len(rows) == expected > 0
    assert {row["sector"] for row in rows} == {"business"}


def test_creating_a_contact_shows_clear_errors_and_saves_nothing_until_valid(
    world, coordinator_client
):
    url = reverse("web:contact_new")
    count = Contact.objects.count()
    taken = world["contacts"][0].email
    response = coordinator_client.post(
        url, {"given_name": "", "email": taken, "language": "ru", "phone": "not a phone"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "This field is required" in text
    assert "already exists" in text
    assert Contact.objects.count() == count
    response = coordinator_client.post(
        url, {"given_name": "Дана", "family_name": "Новая", "email": "dana@example.org",
              "language": "kk", "tags": "tourism, inclusion"},
    )  # fmt: skip
    created = Contact.objects.get(email="dana@example.org")
    assert response.status_code == 302
    assert response.url == reverse("web:contact", args=[created.pk])
    assert sorted(created.tags.names()) == ["inclusion", "tourism"]


def test_check_in_marks_attendance_and_answers_the_row_for_htmx(world, coordinator_client):
    forum = world["forums"][0]
    participation = Participation.objects.filter(forum=forum).exclude(status="attended").first()
    if participation is None:
        participation = Participation.objects.filter(forum=forum).first()
        participation.status = "registered"
        participation.save()
    url = reverse("web:participation_mark", args=[participation.pk])
    response = coordinator_client.post(url, {"status": "attended"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="participation-{participation.pk}"' in response.content.decode()
    participation.refresh_from_db()
    assert participation.status == "attended"
    assert coordinator_client.post(url, {"status": "nonsense"}).status_code == 400
    assert coordinator_client.get(url).status_code == 400
    participation.refresh_from_db()
    assert participation.status == "attended"


def test_composing_a_mailing_shows_recipients_and_exclusions_then_sends(
    world, coordinator_client, smtp_sink, django_capture_on_commit_callbacks
):
    forum = world["forums"][0]
    nobody = world["contacts"][3]
    Contact.objects.filter(pk=nobody.pk).update(email=None)
    response = coordinator_client.post(
        reverse("web:mailing_new"),
        {"name": "Thanks", "purpose": "forum_updates", "template": world["thanks"].pk,
         "audience_kind": "forum", "forum": forum.pk, "statuses": ["attended"]},
    )  # fmt: skip
    mailing = Mailing.objects.get(name="Thanks")
    assert response.status_code == 302
    page = coordinator_client.get(reverse("web:mailing", args=[mailing.pk])).content.decode()
    attended = Participation.objects.filter(forum=forum, status="attended").count()
    assert f'id="will-receive">{attended - 1}<' in page
    assert "No e-mail address" in page
    assert "Preview" in page
    assert "Спасибо" in page
    assert f"Yes, send to {attended - 1} people" in page
    # Without the confirmed number of recipients nothing is sent.
    coordinator_client.post(reverse("web:mailing_send", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("web:mailing_send", args=[mailing.pk]), {"recipients": attended - 1}
        )
    mailing.refresh_from_db()
    assert mailing.status == "done"
    assert OutboxMessage.objects.filter(mailing=mailing, status="sent").count() == attended - 1
    assert smtp_sink.handler.distinct() == attended - 1
    page = coordinator_client.get(reverse("web:mailing", args=[mailing.pk])).content.decode()
    assert 'id="progress"' in page
    assert "Sent: " in page  # the label, not the stored code
    assert f'id="result-sent">{attended - 1}<' in page


def test_a_mailing_without_a_forum_is_refused_with_a_message(world, coordinator_client):
    response = coordinator_client.post(
        reverse("web:mailing_new"),
        {"name": "x", "purpose": "forum_updates", "template": world["thanks"].pk,
         "audience_kind": "forum"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Choose a forum." in response.content.decode()
    assert not Mailing.objects.exists()


def test_lapsed_regulars_can_be_emailed_in_one_step(world, coordinator_client):
    response = coordinator_client.post(reverse("web:lapsed_email"), {"missed": 1})
    contact_list = ContactList.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:mailing_new"))
    assert f"contact_list={contact_list.pk}" in response.url
    page = coordinator_client.get(response.url).content.decode()
    assert f'value="{contact_list.pk}"' in page


def test_inviting_suggested_candidates_records_invitations(world, coordinator_client):
    group = world["group"]
    page = coordinator_client.get(reverse("web:working_group", args=[group.pk])).content.decode()
    assert "where the group was born" in page or "a sector the group lacks" in page
    chosen = [c.pk for c in world["contacts"][1:3]]
    response = coordinator_client.post(
        reverse("web:working_group_invite", args=[group.pk]),
        {"contacts": chosen, "template": world["invite"].pk},
    )
    assert response.status_code == 302
    assert sorted(Invitation.objects.filter(working_group=group).values_list(
        "contact_id", flat=True)) == sorted(chosen)  # fmt: skip


def test_the_interface_follows_the_chosen_language(world, coordinator_client):
    response = coordinator_client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("web:dashboard")}
    )
    assert response.status_code == 302
    page = coordinator_client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="ru">' in page
    assert "Контакты" in page
    assert "Contacts<" not in page


def test_the_browser_language_is_used_until_the_user_picks_one(world, coordinator_client):
    page = coordinator_client.get(
        reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="kk,ru;q=0.8"
    ).content.decode()
    assert '<html lang="kk">' in page


def test_the_audience_builder_counts_recipients_and_exclusions_before_saving(
    world, coordinator_client, viewer_client
):
    forum = world["forums"][0]
    Contact.objects.filter(pk=world["contacts"][3].pk).update(email=None)
    data = {"purpose": "forum_updates", "audience_kind": "forum", "forum": forum.pk,
            "statuses": ["attended"]}  # fmt: skip
    page = coordinator_client.post(reverse("web:audience_preview"), data).content.decode()
    attended = Participation.objects.filter(forum=forum, status="attended").count()
    assert f'id="audience-count">{attended - 1}<' in page
    assert "No e-mail address: 1" in page
    incomplete = coordinator_client.post(
        reverse("web:audience_preview"), {"purpose": "forum_updates", "audience_kind": "forum"}
    )
    assert incomplete.status_code == 200
    assert "Choose a forum." in incomplete.content.decode()
    assert not Mailing.objects.exists()
    assert viewer_client.post(reverse("web:audience_preview"), data).status_code == 403


def test_mailing_pages_run_the_same_number_of_queries_whatever_the_audience(
    coordinator_client, smtp_sink, django_capture_on_commit_callbacks
):
    from outreach.audience import ForumAudience
    from outreach.services.mailings import mailing_create, mailing_start

    counts = []
    for people, tag in ((6, ""), (18, "-more")):
        world = build_world(people=people, forums=3, tag=tag)
        mailing = mailing_create(
            name=f"Thanks{tag}", purpose="forum_updates", template=world["thanks"],
            audience=ForumAudience(forum=world["forums"][0].pk, statuses=("attended",)),
        )  # fmt: skip
        url = reverse("web:mailing", args=[mailing.pk])
        draft = count_queries(coordinator_client, url)
        with django_capture_on_commit_callbacks(execute=True):
            mailing_start(mailing=mailing)
        counts.append((draft, count_queries(coordinator_client, url)))
    assert counts[0] == counts[1]


def test_bad_input_is_a_clear_answer_never_a_500_and_changes_nothing(world, coordinator_client):
    huge = "9" * 25
    group = world["group"]
    response = coordinator_client.post(
        reverse("web:working_group_invite", args=[group.pk]),
        {"contacts": [huge], "template": world["invite"].pk},
    )
    assert response.status_code == 302  # back to the page, with the message
    assert not Invitation.objects.exists()
    response = coordinator_client.post(
        reverse("web:mailing_new"),
        {"name": "x", "purpose": "forum_updates", "template": world["thanks"].pk,
         "audience_kind": "contact_list", "contact_list": huge},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = coordinator_client.post(
        reverse("web:mailing_new"),
        {"name": "x", "purpose": "forum_updates", "template": world["thanks"].pk,
         "audience_kind": "contact_list", "contact_list": 424242},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Mailing.objects.exists()
    response = coordinator_client.post(
        reverse("web:contact_new"),
        {"given_name": "Long", "language": "ru", "tags": "x" * 101},
    )
    assert "at most 100 characters" in response.content.decode()
    assert not Contact.objects.filter(given_name="Long").exists()
    # A filter that cannot apply shows nobody, not everybody; its CSV is refused.
    page = coordinator_client.get(reverse("web:contacts"), {"level": "nonsense"})
    assert page.status_code == 200
    assert world["contacts"][1].full_name not in page.content.decode()
    csv_response = coordinator_client.get(
        reverse("web:contacts"), {"organisation": huge, "format": "csv"}
    )
    assert csv_response.status_code == 400
    for url in (reverse("web:contacts") + "?page=abc&sort=nope&page_size=7",
                reverse("web:mailings") + "?page=-1"):  # fmt: skip
        assert coordinator_client.get(url).status_code == 200


def test_check_in_can_mark_everyone_shown_at_once_and_only_at_that_forum(
    world, coordinator_client, viewer_client
):
    forum, other = world["forums"][0], world["forums"][1]
    waiting = list(Participation.objects.filter(forum=forum).exclude(status="attended"))
    elsewhere = Participation.objects.filter(forum=other).exclude(status="attended").first()
    url = reverse("web:forum_mark_all", args=[forum.pk])
    ids = [p.pk for p in waiting]
    assert viewer_client.post(url, {"participations": ids}).status_code == 403
    # An id from another forum spoils the form: nothing is marked.
    response = coordinator_client.post(url, {"participations": [*ids, elsewhere.pk]})
    assert response.status_code == 302
    assert Participation.objects.filter(pk__in=ids, status="attended").count() == 0
    coordinator_client.post(url, {"participations": ids})
    assert Participation.objects.filter(pk__in=ids, status="attended").count() == len(ids)
    elsewhere.refresh_from_db()
    assert elsewhere.status != "attended"
