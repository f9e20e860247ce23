"""The check-in page: the bulk button counts the people shown, undoing asks first, a forum
days away warns, and walk-ins are added from the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact, Participation
from crm.services.contacts import contact_create
from crm.services.participation import participation_create
from tests.web.test_forum_people import gathering

pytestmark = pytest.mark.django_db


def page_of(client, forum, **params) -> str:
    response = client.get(reverse("web:forum_check_in", args=[forum.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def bulk_count(html: str) -> int:
    return int(re.search(r'id="mark-all">Mark the (\d+) waiting', html).group(1))


def test_the_bulk_button_counts_exactly_the_people_shown_and_waiting(coordinator_client):
    forum = gathering(people=4, days_from_today=0)
    first = Participation.objects.filter(forum=forum).order_by("pk").first()
    first.status = "attended"
    first.save()
    html = page_of(coordinator_client, forum)
    shown_buttons = html.count(">Mark attended<")
    assert shown_buttons == 3 == bulk_count(html)
    assert html.count('name="participations"') == 3
    narrowed = page_of(coordinator_client, forum, q="Person2")
    assert bulk_count(narrowed) == 1 == narrowed.count(">Mark attended<")
    assert 'name="q" value="Person2"' in narrowed  # the bulk form keeps the search


def test_marking_one_updates_the_bulk_button_for_the_same_search(coordinator_client):
    forum = gathering(people=3, days_from_today=0)
    waiting = Participation.objects.filter(forum=forum).order_by("pk").first()
    response = coordinator_client.post(
        reverse("web:participation_mark", args=[waiting.pk]),
        {"status": "attended", "q": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="participation-{waiting.pk}"' in html
    assert 'id="checkin-summary" hx-swap-oob="true"' in html
    assert bulk_count(html) == 2
    assert f'name="participations" value="{waiting.pk}"' not in html


def test_undoing_an_attendance_asks_first(coordinator_client):
    forum = gathering(people=1, days_from_today=0)
    participation = Participation.objects.get(forum=forum)
    participation.status = "attended"
    participation.save()
    html = page_of(coordinator_client, forum)
    assert 'data-confirm="Undo the attendance of Person0 Registered?"' in html
    # Only the undo asks on the day: marking someone who is here does not.
    other = contact_create(given_name="Today")
    participation_create(contact=other, forum=forum)
    assert page_of(coordinator_client, forum).count("data-confirm") == 1


def test_a_forum_more_than_a_day_away_warns_and_every_mark_asks(coordinator_client):
    later = gathering(people=2, days_from_today=5)
    html = page_of(coordinator_client, later)
    assert 'id="far-away"' in html
    assert "more than a day from now" in html
    # Each row's mark, the bulk button, and the walk-in form ask first.
    assert html.count("data-confirm") == 2 + 1 + 1
    tomorrow = gathering(people=2, days_from_today=1, tag="-tomorrow")
    html = page_of(coordinator_client, tomorrow)
    assert 'id="far-away"' not in html
    assert "data-confirm" not in html


def test_a_walk_in_found_in_the_contacts_is_marked_attended(coordinator_client):
    forum = gathering(people=1, days_from_today=0)
    aigerim = contact_create(given_name="Айгерим", family_name="Сапарова")
    cancelled = contact_create(given_name="Changed", family_name="Mind")
    participation_create(contact=cancelled, forum=forum, status="cancelled")
    html = coordinator_client.get(
        reverse("web:forum_check_in", args=[forum.pk]), {"q": "aigerim"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="walk-in-{aigerim.pk}"' in html  # Latin letters find the Cyrillic name
    url = reverse("web:forum_walk_in", args=[forum.pk])
    response = coordinator_client.post(url, {"contact": aigerim.pk})
    assert response.status_code == 302
    assert "q=" in response.url
    assert Participation.objects.get(forum=forum, contact=aigerim).status == "attended"
    # Someone already on the list (here: cancelled) is marked, not recorded twice.
    coordinator_client.post(url, {"contact": cancelled.pk})
    assert Participation.objects.get(forum=forum, contact=cancelled).status == "attended"
    assert coordinator_client.post(url, {"contact": "9" * 25}).status_code == 302


def test_a_new_walk_in_is_created_and_marked_attended_or_nothing_is(coordinator_client):
    forum = gathering(people=1, capacity=1, days_from_today=0)
    url = reverse("web:forum_walk_in", args=[forum.pk])
    taken = contact_create(given_name="Has", email="taken@example.org")
    contacts = Contact.objects.count()
    refused = coordinator_client.post(
        url, {"given_name": "Dup", "email": "taken@example.org", "language": "ru"}
    )
    assert refused.status_code == 200
    assert "already exists" in refused.content.decode()
    assert Contact.objects.count() == contacts
    assert not Participation.objects.filter(contact=taken).exists()
    # A full forum still takes walk-ins: attendance is not held to the capacity.
    response = coordinator_client.post(
        url, {"given_name": "Нурлан", "family_name": "Жанов", "phone": "8 701 555 12 34",
              "language": "kk"},
    )  # fmt: skip
    assert response.status_code == 302
    created = Contact.objects.get(given_name="Нурлан")
    assert str(created.phone) == "+77015551234"
    assert Participation.objects.get(forum=forum, contact=created).status == "attended"


def test_a_viewer_sees_no_walk_in_and_cannot_add_one(viewer_client):
    forum = gathering(people=1, days_from_today=0)
    outsider = contact_create(given_name="Outsider")
    html = page_of(viewer_client, forum, q="Outsider")
    assert "Walk-in" not in html
    assert "walk-in-new" not in html
    assert "mark-all" not in html
    url = reverse("web:forum_walk_in", args=[forum.pk])
    assert viewer_client.post(url, {"contact": outsider.pk}).status_code == 403
    assert viewer_client.post(url, {"given_name": "Sneaky", "language": "ru"}).status_code == 403
    assert not Participation.objects.filter(contact=outsider).exists()
    assert not Contact.objects.filter(given_name="Sneaky").exists()


def test_check_in_with_a_search_runs_the_same_queries_whatever_it_finds(coordinator_client):
    def count(forum):
        with CaptureQueriesContext(connection) as queries:
            page_of(coordinator_client, forum, q="Person")
        return len(queries)

    small = gathering(people=2, days_from_today=0)
    first = count(small)
    bigger = gathering(people=8, days_from_today=0, tag="-more")
    assert count(bigger) == first  # and the first forum's people are walk-ins here


def test_namesakes_are_told_apart_by_organisation_and_city(coordinator_client):
    from tests.factories import ContactFactory, ForumFactory, OrganisationFactory

    forum = ForumFactory()
    for city, organisation in (("Almaty", "Green Almaty"), ("Shymkent", "Steppe Studio")):
        contact = ContactFactory(given_name="Iliyas", family_name="Abenov", city=city)
        participation_create(
            contact=contact, forum=forum, organisation=OrganisationFactory(name=organisation)
        )
    html = page_of(coordinator_client, forum, q="Abenov")
    assert "Green Almaty · Almaty" in html
    assert "Steppe Studio · Shymkent" in html


def test_the_forum_page_judges_the_balance_only_once_people_came(coordinator_client):
    from tests.factories import ForumFactory

    forum = ForumFactory()
    forum.programme.sector_targets = {"government": 0.2}
    forum.programme.save()
    html = coordinator_client.get(reverse("web:forum", args=[forum.pk])).content.decode()
    assert "Nobody has been marked as attended yet" in html
    assert "Below target" not in html
