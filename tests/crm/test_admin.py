"""The admin works for a coordinator: lists, search in any script, forms with inlines."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.models import Contact
from crm.roles import COORDINATOR, VIEWER
from tests.factories import (
    AffiliationFactory,
    ConsentFactory,
    ContactFactory,
    ForumFactory,
    OrganisationFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "contact",
    "organisation",
    "affiliation",
    "programme",
    "forum",
    "participation",
    "workinggroup",
    "workinggroupmembership",
    "consent",
]


@pytest.fixture
def staff_coordinator():
    client = Client()
    client.force_login(UserFactory(username="admin-coord", is_staff=True, groups=[COORDINATOR]))
    return client


@pytest.fixture
def populated():
    contact = ContactFactory(given_name="Айгерим", family_name="Касымова")
    AffiliationFactory(contact=contact)
    ParticipationFactory(contact=contact)
    ConsentFactory(contact=contact)
    return contact


@pytest.mark.parametrize("model", MODELS)
def test_changelists_and_add_forms_open(staff_coordinator, populated, model):
    assert staff_coordinator.get(f"/admin/crm/{model}/").status_code == 200
    assert staff_coordinator.get(f"/admin/crm/{model}/add/").status_code == 200


def test_contact_form_shows_its_inlines_and_history(staff_coordinator, populated):
    page = staff_coordinator.get(f"/admin/crm/contact/{populated.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    for inline in ("affiliations", "participations", "consents"):
        assert f'id="{inline}-group"' in content
    history = staff_coordinator.get(f"/admin/crm/contact/{populated.pk}/history/")
    assert history.status_code == 200


def test_forum_form_shows_participants_inline(staff_coordinator):
    participation = ParticipationFactory()
    page = staff_coordinator.get(f"/admin/crm/forum/{participation.forum_id}/change/")
    assert page.status_code == 200
    assert 'id="participations-group"' in page.content.decode()


def test_admin_search_finds_latin_spelling_of_a_cyrillic_name(staff_coordinator, populated):
    ContactFactory(given_name="Асель", family_name="Омарова")
    page = staff_coordinator.get("/admin/crm/contact/", {"q": "Aigerim Kassymova"})
    content = page.content.decode()
    assert "Касымова" in content
    assert "Омарова" not in content


def _empty_inlines(client, url) -> dict:
    """Management-form data for every inline on an admin page, with no rows submitted."""
    page = client.get(url).content.decode()
    prefixes = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page)
    return {
        f"{prefix}-{key}": value
        for prefix in prefixes
        for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
    }


def test_adding_a_contact_through_the_admin(staff_coordinator):
    response = staff_coordinator.post(
        "/admin/crm/contact/add/",
        {
            "given_name": "Ерлан",
            "family_name": "Ахметов",
            "email": "Erlan@Example.org",
            "language": "kk",
            **_empty_inlines(staff_coordinator, "/admin/crm/contact/add/"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Contact.objects.get(family_name="Ахметов").email == "erlan@example.org"


def test_marking_attendance_and_adding_a_participant_on_the_forum_page(staff_coordinator):
    registered = ParticipationFactory(status="registered")
    forum = registered.forum
    newcomer = ContactFactory()
    url = f"/admin/crm/forum/{forum.pk}/change/"
    data = _empty_inlines(staff_coordinator, url)
    page = staff_coordinator.get(url).content.decode()
    recorded, added = re.findall(r'name="(participations(?:-\d+)?)-TOTAL_FORMS"', page)
    data.update(
        {
            "title": forum.title,
            "kind": forum.kind,
            "date": forum.date.isoformat(),
            "programme": forum.programme_id,
            "number": forum.number,
            f"{recorded}-TOTAL_FORMS": "1",
            f"{recorded}-INITIAL_FORMS": "1",
            f"{recorded}-0-id": registered.pk,
            f"{recorded}-0-forum": forum.pk,
            f"{recorded}-0-role": "participant",
            f"{recorded}-0-status": "attended",
            f"{added}-TOTAL_FORMS": "1",
            f"{added}-0-contact": newcomer.pk,
            f"{added}-0-role": "speaker",
            f"{added}-0-status": "attended",
        }
    )
    response = staff_coordinator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    registered.refresh_from_db()
    assert registered.status == "attended"
    assert forum.participations.get(contact=newcomer).role == "speaker"


def test_pages_of_big_forums_and_busy_people_run_a_constant_number_of_queries(staff_coordinator):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert staff_coordinator.get(url).status_code == 200
        return len(captured)

    forum = ForumFactory()
    contact = ContactFactory()
    ParticipationFactory(forum=forum, contact=contact)
    small = (
        queries(f"/admin/crm/forum/{forum.pk}/change/"),
        queries(f"/admin/crm/contact/{contact.pk}/change/"),
    )
    for _ in range(15):
        ParticipationFactory(forum=forum, organisation=OrganisationFactory())
        ParticipationFactory(contact=contact, organisation=OrganisationFactory())
    big = (
        queries(f"/admin/crm/forum/{forum.pk}/change/"),
        queries(f"/admin/crm/contact/{contact.pk}/change/"),
    )
    assert big == small


def test_viewer_sees_but_cannot_change(populated):
    client = Client()
    client.force_login(UserFactory(username="admin-viewer", is_staff=True, groups=[VIEWER]))
    assert client.get("/admin/crm/contact/").status_code == 200
    assert client.get("/admin/crm/contact/add/").status_code == 403
    page = client.get(f"/admin/crm/contact/{populated.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_consents_cannot_be_edited_in_the_admin(staff_coordinator, populated):
    consent = populated.consents.get()
    page = staff_coordinator.get(f"/admin/crm/consent/{consent.pk}/change/")
    assert 'name="_save"' not in page.content.decode()
    assert staff_coordinator.post(f"/admin/crm/consent/{consent.pk}/delete/").status_code == 403


def test_duplicate_organisation_name_is_a_form_error(staff_coordinator):
    staff_coordinator.post(
        "/admin/crm/organisation/add/", {"name": "Green Almaty", "sector": "business"}
    )
    response = staff_coordinator.post(
        "/admin/crm/organisation/add/", {"name": "«green  ALMATY»", "sector": "business"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_forum_changelist_shows_attendance(staff_coordinator):
    forum = ForumFactory()
    ParticipationFactory(forum=forum, status="attended")
    assert staff_coordinator.get("/admin/crm/forum/").status_code == 200
