"""Contact lists are built from plain rows (crm.selectors.contacts.contact_rows) rather than
through ContactSerializer; every contact must read the same in a list as on its own page,
which ContactSerializer answers and the schema describes."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.services.affiliations import affiliation_create, affiliation_update
from crm.services.consent import consent_record
from crm.services.contacts import contact_create
from crm.services.lists import contact_list_create
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Contacts that differ in every way a list shows."""
    kbtu = OrganisationFactory(name="KBTU", sector="academia")
    akimat = OrganisationFactory(name="Akimat of Almaty", sector="government")
    old = OrganisationFactory(name="Old NGO", sector="civil_society")
    everything = contact_create(
        given_name="Айгерим",
        patronymic="Нурлановна",
        family_name="Касымова",
        email="aigerim@example.org",
        phone="8 701 555 12 34",
        city="Almaty",
        language="kk",
        tags=["urbanism", "ecology", "transport"],
        notes="Met at forum #4.\u2028Second line.",
    )
    affiliation_create(
        contact=everything, organisation=kbtu, position="Researcher", is_primary=True
    )
    affiliation_create(contact=everything, organisation=akimat, position="Adviser")
    left = affiliation_create(contact=everything, organisation=old)
    affiliation_update(affiliation=left, data={"end_date": dt.date(2019, 1, 1)})
    consent_record(
        contact=everything,
        purpose="forum_updates",
        granted=True,
        source="form",
        recorded_at=timezone.now() - dt.timedelta(days=1),
    )
    consent_record(contact=everything, purpose="forum_updates", granted=False, source="link")
    consent_record(contact=everything, purpose="working_group", granted=True, source="in_person")
    pinned = contact_create(given_name="Pinned", sector="media", email=None)
    affiliation_create(contact=pinned, organisation=kbtu, is_primary=True)
    bare = contact_create(given_name="Bare")
    return [everything, pinned, bare]


def test_every_contact_reads_the_same_in_the_list_as_on_its_own(coordinator_api, people):
    listed = coordinator_api.get("/api/v1/contacts/").json()["results"]
    assert len(listed) == len(people)
    for row in listed:
        alone = coordinator_api.get(f"/api/v1/contacts/{row['id']}/").json()
        assert row == alone
        assert list(row) == list(alone)  # and in the same order


def test_the_list_shows_every_part_of_a_contact(coordinator_api, people):
    rows = {r["given_name"]: r for r in coordinator_api.get("/api/v1/contacts/").json()["results"]}
    everything = rows["Айгерим"]
    assert everything["full_name"] == "Айгерим Нурлановна Касымова"
    assert everything["phone"] == "+77015551234"
    assert everything["tags"] == ["ecology", "transport", "urbanism"]
    assert [a["organisation_name"] for a in everything["current_affiliations"]] == [
        "KBTU",
        "Akimat of Almaty",
    ]
    assert everything["consent"] == {"forum_updates": False, "working_group": True}
    assert everything["sector_source"] == "affiliation"
    assert rows["Pinned"]["sector_source"] == "explicit"
    assert rows["Pinned"]["email"] is None
    assert rows["Bare"] | {"id": 0, "created": "", "updated": ""} == {
        "id": 0,
        "given_name": "Bare",
        "family_name": "",
        "patronymic": "",
        "full_name": "Bare",
        "email": None,
        "phone": "",
        "city": "",
        "language": "ru",
        "sector": "",
        "sector_source": "unknown",
        "tags": [],
        "notes": "",
        "current_affiliations": [],
        "consent": {"forum_updates": None, "working_group": None},
        "created": "",
        "updated": "",
    }


def test_a_saved_lists_members_read_as_the_contacts_do(coordinator_api, people):
    saved = contact_list_create(name="Everyone", contacts=people)
    members = coordinator_api.get(f"/api/v1/contact-lists/{saved.pk}/members/").json()
    contacts = coordinator_api.get("/api/v1/contacts/").json()
    assert members["count"] == 3
    assert members["results"] == contacts["results"]


def test_filters_ordering_and_pages_still_apply(coordinator_api, people):
    def names(**params):
        response = coordinator_api.get("/api/v1/contacts/", params)
        assert response.status_code == 200, response.content
        return [r["given_name"] for r in response.json()["results"]]

    assert names(sector="media") == ["Pinned"]
    assert names(tag="urbanism") == ["Айгерим"]
    assert names(ordering="-given_name") == ["Айгерим", "Pinned", "Bare"]
    assert names(ordering="given_name", page_size=1, page=2) == ["Pinned"]
    assert coordinator_api.get("/api/v1/contacts/", {"page": 4, "page_size": 1}).status_code == 404
