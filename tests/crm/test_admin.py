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


@pytest.mark.parametrize("model", ["participation", "affiliation", "consent"])
def test_admin_search_of_someones_records_folds_the_name_across_scripts(
    staff_coordinator, populated, model
):
    other = ContactFactory(given_name="Асель", family_name="Омарова")
    AffiliationFactory(contact=other)
    ParticipationFactory(contact=other)
    ConsentFactory(contact=other)
    content = staff_coordinator.get(f"/admin/crm/{model}/", {"q": "Kassymova"}).content.decode()
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


@pytest.mark.parametrize("role", [VIEWER, COORDINATOR])
def test_history_versions_cannot_be_replayed(role):
    contact = ContactFactory(given_name="Original")
    consent = ConsentFactory(contact=contact, granted=True)
    client = Client()
    client.force_login(UserFactory(username=f"h-{role}", is_staff=True, groups=[role]))
    version = contact.history.first()
    url = f"/admin/crm/contact/{contact.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200  # reading history is fine
    forged = {"given_name": "Hacked", "language": "en", "email": "hacked@example.org"}
    assert client.post(url, forged).status_code == 403
    consent_url = f"/admin/crm/consent/{consent.pk}/history/{consent.history.first().history_id}/"
    assert client.post(consent_url, {"granted": ""}).status_code == 403
    contact.refresh_from_db()
    consent.refresh_from_db()
    assert (contact.given_name, consent.granted) == ("Original", True)


def _inline_post(client, url, extra):
    data = _empty_inlines(client, url)
    page = client.get(url).content.decode()
    form = dict(
        re.findall(r'name="((?:given_name|family_name|language))" [^>]*value="([^"]*)"', page)
    )
    data.update({"given_name": "X", "language": "ru", **form, **extra})
    return client.post(url, data)


def test_two_new_primary_affiliations_in_one_submit_are_a_form_error(staff_coordinator):
    contact = ContactFactory()
    url = f"/admin/crm/contact/{contact.pk}/change/"
    page = staff_coordinator.get(url).content.decode()
    prefix = re.findall(r'name="(affiliations(?:-\d+)?)-TOTAL_FORMS"', page)[-1]
    a, b = OrganisationFactory(), OrganisationFactory()
    response = _inline_post(
        staff_coordinator,
        url,
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-0-organisation": a.pk,
            f"{prefix}-0-is_primary": "on",
            f"{prefix}-1-organisation": b.pk,
            f"{prefix}-1-is_primary": "on",
        },
    )
    assert response.status_code == 200
    assert "Only one current affiliation can be primary" in response.content.decode()
    assert not contact.affiliations.exists()


def test_changing_an_affiliation_in_the_admin_moves_the_contacts_sector(staff_coordinator):
    affiliation = AffiliationFactory(organisation=OrganisationFactory(sector="business"))
    from crm.services.contacts import contact_sector_refresh

    contact_sector_refresh(contact_ids=[affiliation.contact_id])
    media = OrganisationFactory(sector="media")
    response = staff_coordinator.post(
        f"/admin/crm/affiliation/{affiliation.pk}/change/",
        {"organisation": media.pk, "position": "", "start_date": "2015-01-01", "is_primary": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    affiliation.contact.refresh_from_db()
    assert affiliation.contact.sector == "media"
    staff_coordinator.post(f"/admin/crm/affiliation/{affiliation.pk}/delete/", {"post": "yes"})
    affiliation.contact.refresh_from_db()
    assert affiliation.contact.sector == ""  # deleted, not ended: as if it never was


def test_a_participation_cannot_be_moved_and_respects_capacity_in_the_admin(staff_coordinator):
    forum = ForumFactory(capacity=1)
    taken = ParticipationFactory(forum=forum, status="registered")
    page = staff_coordinator.get(f"/admin/crm/participation/{taken.pk}/change/").content.decode()
    assert 'name="contact"' not in page
    assert 'name="forum"' not in page
    response = staff_coordinator.post(
        "/admin/crm/participation/add/",
        {
            "contact": ContactFactory().pk,
            "forum": forum.pk,
            "role": "participant",
            "status": "registered",
        },
    )
    assert response.status_code == 200
    assert "This forum is full" in response.content.decode()
    assert forum.participations.count() == 1


def test_a_participation_added_in_the_admin_gets_the_organisation_of_the_day(staff_coordinator):
    affiliation = AffiliationFactory()
    forum = ForumFactory()
    response = staff_coordinator.post(
        "/admin/crm/participation/add/",
        {
            "contact": affiliation.contact_id,
            "forum": forum.pk,
            "role": "speaker",
            "status": "attended",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert forum.participations.get().organisation == affiliation.organisation


def test_html_disguised_as_a_pdf_is_refused_in_the_admin_too(staff_coordinator, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    url = f"/admin/crm/forum/{forum.pk}/change/"
    data = _empty_inlines(staff_coordinator, url)
    page = staff_coordinator.get(url).content.decode()
    prefix = next(p for p in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page) if "document" in p)
    data.update(
        {
            "title": forum.title,
            "kind": forum.kind,
            "date": forum.date.isoformat(),
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-kind": "programme",
            f"{prefix}-0-file": SimpleUploadedFile("programme.pdf", b"<html><script>x</script>"),
        }
    )
    response = staff_coordinator.post(url, data)
    assert response.status_code == 200
    assert "content is not a PDF" in response.content.decode()
    assert not forum.documents.exists()


def _new_forum_with_participants(client, *, capacity: int, people: list, status: str) -> dict:
    url = "/admin/crm/forum/add/"
    data = _empty_inlines(client, url)
    page = client.get(url).content.decode()
    added = re.findall(r'name="(participations(?:-\d+)?)-TOTAL_FORMS"', page)[-1]
    data.update(
        {
            "title": "Accessible city",
            "kind": "forum",
            "date": "2026-05-20",
            "capacity": str(capacity),
            f"{added}-TOTAL_FORMS": str(len(people)),
        }
    )
    for i, contact in enumerate(people):
        data.update(
            {
                f"{added}-{i}-contact": contact.pk,
                f"{added}-{i}-role": "participant",
                f"{added}-{i}-status": status,
            }
        )
    return client.post(url, data)


def test_a_new_forum_saves_with_its_capacity_and_participants_in_one_go(staff_coordinator):
    from crm.models import Forum

    people = [ContactFactory() for _ in range(2)]
    AffiliationFactory(contact=people[0])
    response = _new_forum_with_participants(
        staff_coordinator, capacity=2, people=people, status="registered"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    forum = Forum.objects.get(title="Accessible city")
    assert forum.capacity == 2
    assert sorted(forum.participations.values_list("contact_id", flat=True)) == sorted(
        p.pk for p in people
    )
    # New rows get the organisation of the day here too.
    assert forum.participations.get(contact=people[0]).organisation is not None


def test_a_new_forum_with_more_registrations_than_places_is_a_form_error(staff_coordinator):
    from crm.models import Forum

    people = [ContactFactory() for _ in range(3)]
    response = _new_forum_with_participants(
        staff_coordinator, capacity=2, people=people, status="registered"
    )
    assert response.status_code == 200
    assert "This forum is full (2 places, 2 free)" in response.content.decode()
    assert not Forum.objects.filter(title="Accessible city").exists()
    # Attendance (walk-ins) is not held to capacity, in a new forum as in an old one.
    response = _new_forum_with_participants(
        staff_coordinator, capacity=2, people=people, status="attended"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Forum.objects.get(title="Accessible city").participations.count() == 3


def test_registering_past_capacity_on_a_forum_page_is_a_form_error_not_a_500(staff_coordinator):
    forum = ForumFactory(capacity=1)
    ParticipationFactory(forum=forum, status="registered")
    url = f"/admin/crm/forum/{forum.pk}/change/"
    data = _empty_inlines(staff_coordinator, url)
    page = staff_coordinator.get(url).content.decode()
    added = re.findall(r'name="(participations(?:-\d+)?)-TOTAL_FORMS"', page)[-1]
    data.update(
        {
            "title": forum.title,
            "kind": forum.kind,
            "date": forum.date.isoformat(),
            "capacity": "1",
            f"{added}-TOTAL_FORMS": "1",
            f"{added}-0-contact": ContactFactory().pk,
            f"{added}-0-role": "participant",
            f"{added}-0-status": "registered",
        }
    )
    response = staff_coordinator.post(url, data)
    assert response.status_code == 200
    assert "This forum is full (1 places, 0 free)" in response.content.decode()
    assert forum.participations.count() == 1
