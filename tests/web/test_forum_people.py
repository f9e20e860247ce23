"""A forum's people on its page: the list by status with roles and represented
organisations, adding people found across scripts, changing a row, inviting a saved list,
recording no-shows after the day; capacity as the API enforces it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Participation
from crm.services.affiliations import affiliation_create
from crm.services.contacts import contact_create
from crm.services.forums import forum_create
from crm.services.lists import contact_list_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create

pytestmark = pytest.mark.django_db


def gathering(*, capacity=None, days_from_today=-3, people=0, tag=""):
    """A forum and ``people`` registered contacts, each with an organisation."""
    forum = forum_create(
        title=f"Gathering{tag}",
        date=timezone.localdate() + dt.timedelta(days=days_from_today),
        capacity=capacity,
    )
    organisation = organisation_create(name=f"Akimat{tag}", sector="government", city="Almaty")
    for i in range(people):
        contact = contact_create(given_name=f"Person{i}{tag}", family_name="Registered")
        affiliation_create(contact=contact, organisation=organisation, is_primary=True)
        participation_create(contact=contact, forum=forum)
    return forum


@pytest.fixture
def forum(db):
    return gathering(capacity=3, people=2)


def names(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_people_by_status_with_role_and_organisation(forum, coordinator_client):
    walk_in = contact_create(given_name="Dana", family_name="Walker")
    participation_create(contact=walk_in, forum=forum, status="attended", role="speaker")
    page = names(coordinator_client.get(reverse("web:forum", args=[forum.pk])))
    assert "Person0 Registered" in page
    assert "Dana Walker" in page
    assert "Akimat" in page  # the organisation they represented
    assert 'value="speaker" selected' in page
    assert "Places taken (registered and attended): 3 / 3, 0 free" in page
    only_attended = names(
        coordinator_client.get(reverse("web:forum", args=[forum.pk]), {"status": "attended"})
    )
    assert "Dana Walker" in only_attended
    assert "Person0 Registered" not in only_attended
    # An unknown status shows everyone rather than failing.
    assert "Person0" in names(
        coordinator_client.get(reverse("web:forum", args=[forum.pk]), {"status": "nonsense"})
    )


def test_people_are_found_across_scripts_and_added_several_at_once(forum, coordinator_client):
    aigerim = contact_create(given_name="Айгерим", family_name="Касымова")
    ivan = contact_create(given_name="Ivan", family_name="Petrov")
    url = reverse("web:forum_people_add", args=[forum.pk])
    found = names(coordinator_client.get(url, {"q": "aigerim kassymova"}, HTTP_HX_REQUEST="true"))
    assert f'value="{aigerim.pk}"' in found
    assert "<html" not in found  # a fragment for htmx
    # A ticked contact stays ticked while another name is searched.
    kept = names(coordinator_client.get(url, {"q": "ivan", "contacts": [aigerim.pk]}))
    assert f'value="{aigerim.pk}" id="pick-{aigerim.pk}" checked' in kept
    assert f'value="{ivan.pk}"' in kept
    already = names(coordinator_client.get(url, {"q": "Person0"}))
    assert "Registered</span>" in already
    assert 'name="contacts"' not in already
    response = coordinator_client.post(
        url, {"contacts": [aigerim.pk], "status": "registered", "role": "moderator"}
    )
    assert response.status_code == 302
    added = Participation.objects.get(forum=forum, contact=aigerim)
    assert (added.status, added.role) == ("registered", "moderator")


def test_capacity_is_enforced_with_the_apis_message(forum, coordinator_client, coordinator_api):
    one, two = (contact_create(given_name=n, family_name="Late") for n in ("Asel", "Bota"))
    api = coordinator_api.post(
        "/api/v1/participations/",
        {"contact": one.pk, "forum": forum.pk, "status": "registered"},
        format="json",
    )
    coordinator_api.post(
        "/api/v1/participations/", {"contact": one.pk, "forum": forum.pk}, format="json"
    )
    assert api.status_code == 201  # the third and last place
    refused = coordinator_api.post(
        "/api/v1/participations/", {"contact": two.pk, "forum": forum.pk}, format="json"
    )
    message = refused.json()["status"][0]
    assert "full" in message
    page = coordinator_client.post(
        reverse("web:forum_people_add", args=[forum.pk]),
        {"contacts": [two.pk], "status": "registered", "role": "participant"},
    )
    assert message in names(page)
    assert not Participation.objects.filter(contact=two).exists()
    # Waitlisted is not held to the capacity.
    coordinator_client.post(
        reverse("web:forum_people_add", args=[forum.pk]),
        {"contacts": [two.pk], "status": "waitlisted", "role": "participant"},
    )
    waiting = Participation.objects.get(contact=two)
    assert waiting.status == "waitlisted"
    # Moving them to registered on the page is refused with the same words, in the row.
    row = coordinator_client.post(
        reverse("web:participation_edit", args=[waiting.pk]),
        {"status": "registered", "role": "participant"},
        HTTP_HX_REQUEST="true",
    )
    assert message in names(row)
    assert f'id="people-row-{waiting.pk}"' in row.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_several_registrations_past_capacity_are_refused_all_together(coordinator_client):
    forum = gathering(capacity=3, people=1)
    newcomers = [contact_create(given_name=f"New{i}") for i in range(3)]
    page = coordinator_client.post(
        reverse("web:forum_people_add", args=[forum.pk]),
        {"contacts": [c.pk for c in newcomers], "status": "registered", "role": "participant"},
    )
    assert "This forum is full (3 places, 2 free)" in names(page)
    assert Participation.objects.filter(forum=forum).count() == 1


def test_a_row_changes_status_and_role(forum, coordinator_client):
    participation = Participation.objects.filter(forum=forum).first()
    url = reverse("web:participation_edit", args=[participation.pk])
    row = coordinator_client.post(
        url, {"status": "cancelled", "role": "speaker"}, HTTP_HX_REQUEST="true"
    )
    assert "Saved" in names(row)
    participation.refresh_from_db()
    assert (participation.status, participation.role) == ("cancelled", "speaker")
    assert coordinator_client.post(url, {"status": "bogus", "role": "speaker"}).status_code == 302
    participation.refresh_from_db()
    assert participation.status == "cancelled"
    assert coordinator_client.get(url).status_code == 405


def test_a_saved_list_is_invited_once(forum, coordinator_client):
    already = Participation.objects.filter(forum=forum).first().contact
    fresh = [contact_create(given_name=f"Listed{i}") for i in range(3)]
    saved = contact_list_create(name="Youth NGOs", contacts=[already, *fresh])
    url = reverse("web:forum_invite_list", args=[forum.pk])
    assert "Youth NGOs" in names(coordinator_client.get(reverse("web:forum", args=[forum.pk])))
    coordinator_client.post(url, {"contact_list": saved.pk})
    invited = Participation.objects.filter(forum=forum, status="invited")
    assert sorted(invited.values_list("contact_id", flat=True)) == [c.pk for c in fresh]
    assert Participation.objects.get(forum=forum, contact=already).status == "registered"
    coordinator_client.post(url, {"contact_list": saved.pk})  # again: nothing new
    assert invited.count() == 3
    assert coordinator_client.post(url, {"contact_list": "9" * 25}).status_code == 302
    assert invited.count() == 3


def test_no_shows_are_marked_only_after_the_day(coordinator_client):
    future = gathering(days_from_today=2, people=2)
    page = names(coordinator_client.get(reverse("web:forum", args=[future.pk])))
    assert 'id="mark-no-shows"' not in page
    coordinator_client.post(reverse("web:forum_mark_no_shows", args=[future.pk]))
    assert not Participation.objects.filter(forum=future, status="no_show").exists()
    past = gathering(days_from_today=-1, people=3, tag="-past")
    came = Participation.objects.filter(forum=past).first()
    came.status = "attended"
    came.save()
    page = names(coordinator_client.get(reverse("web:forum", args=[past.pk])))
    assert "Mark 2 no-shows" in page
    assert 'data-confirm="Record the 2 people still registered' in page
    coordinator_client.post(reverse("web:forum_mark_no_shows", args=[past.pk]))
    statuses = sorted(Participation.objects.filter(forum=past).values_list("status", flat=True))
    assert statuses == ["attended", "no_show", "no_show"]


def test_a_viewer_sees_no_buttons_and_cannot_post(forum, viewer_client):
    participation = Participation.objects.filter(forum=forum).first()
    contact_list_create(name="Saved", contacts=[participation.contact])
    newcomer = contact_create(given_name="Outsider")
    page = names(viewer_client.get(reverse("web:forum", args=[forum.pk])))
    buttons = ('name="status"', "Add the selected", "Invite the list", "mark-no-shows", ">Save<")
    for snippet in buttons:
        assert snippet not in page, snippet
    assert "Person0 Registered" in page
    posts = [
        (reverse("web:forum_people_add", args=[forum.pk]),
         {"contacts": [newcomer.pk], "status": "registered", "role": "participant"}),
        (reverse("web:participation_edit", args=[participation.pk]),
         {"status": "cancelled", "role": "speaker"}),
        (reverse("web:forum_invite_list", args=[forum.pk]), {"contact_list": 1}),
        (reverse("web:forum_mark_no_shows", args=[forum.pk]), {}),
    ]  # fmt: skip
    before = list(Participation.objects.order_by("pk").values_list("status", "role"))
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    assert viewer_client.get(reverse("web:forum_people_add", args=[forum.pk])).status_code == 403
    assert list(Participation.objects.order_by("pk").values_list("status", "role")) == before


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("status", ["", "registered"])
def test_the_forum_page_runs_the_same_queries_whatever_the_number_of_people(
    status, coordinator_client
):
    small = gathering(capacity=100, people=3)
    contact_list_create(name="A", contacts=[])
    first = count_queries(coordinator_client, reverse("web:forum", args=[small.pk]), status=status)
    bigger = gathering(capacity=100, people=12, tag="-more")
    contact_list_create(name="B", contacts=[])
    url = reverse("web:forum", args=[bigger.pk])
    assert count_queries(coordinator_client, url, status=status) == first


def test_the_search_runs_the_same_queries_whatever_it_finds(coordinator_client):
    small = gathering(people=2)
    url = reverse("web:forum_people_add", args=[small.pk])
    one = Participation.objects.values_list("contact_id", flat=True).first()
    first = count_queries(coordinator_client, url, q="Person", contacts=[one])
    gathering(people=9, tag="-more")  # more namesakes, at another forum
    ticked = list(Participation.objects.values_list("contact_id", flat=True)[:5])
    assert count_queries(coordinator_client, url, q="Person", contacts=ticked) == first
