import pytest

from crm.models import Contact
from crm.services.affiliations import affiliation_create
from crm.services.consent import consent_record
from tests.factories import (
    AffiliationFactory,
    ContactFactory,
    ForumFactory,
    OrganisationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(row["full_name"] for row in response.json()["results"])


def test_create_read_update_delete(coordinator_api):
    response = coordinator_api.post(
        "/api/v1/contacts/",
        {
            "given_name": "Айгерим",
            "family_name": "Касымова",
            "patronymic": "Нурлановна",
            "email": "Aigerim.K@Example.org",
            "phone": "8 701 555 12 34",
            "city": "Almaty",
            "language": "kk",
            "tags": ["urbanism", "transport"],
            "notes": "Met at forum #4.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "aigerim.k@example.org"
    assert body["phone"] == "+77015551234"
    assert body["tags"] == ["transport", "urbanism"]
    assert body["sector"] == ""
    assert body["sector_source"] == "unknown"
    assert body["consent"] == {"forum_updates": None, "working_group": None}

    url = f"/api/v1/contacts/{body['id']}/"
    patched = coordinator_api.patch(url, {"sector": "civil_society", "tags": ["ecology"]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["sector"] == "civil_society"
    assert patched.json()["sector_source"] == "explicit"
    assert patched.json()["tags"] == ["ecology"]

    assert coordinator_api.get(url).json()["full_name"] == "Айгерим Нурлановна Касымова"
    assert coordinator_api.delete(url).status_code == 204
    assert not Contact.objects.filter(pk=body["id"]).exists()


def test_contact_shows_current_affiliations_and_consent(coordinator_api):
    contact = ContactFactory()
    old = affiliation_create(contact=contact, organisation=OrganisationFactory(name="Old NGO"))
    old.end_date = old.created.date()
    old.save()
    affiliation_create(
        contact=contact,
        organisation=OrganisationFactory(name="KBTU", sector="academia"),
        is_primary=True,
        position="Researcher",
    )
    consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
    body = coordinator_api.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert [a["organisation_name"] for a in body["current_affiliations"]] == ["KBTU"]
    assert body["sector"] == "academia"
    assert body["sector_source"] == "affiliation"
    assert body["consent"]["forum_updates"] is True


@pytest.mark.parametrize(
    "query", ["Айгерим", "aigerim", "Aygerim Kasymova", "KASSYMOVA", "kassymova aigerim"]
)
def test_search_finds_a_name_in_either_script(coordinator_api, query):
    ContactFactory(given_name="Айгерим", family_name="Касымова")
    ContactFactory(given_name="Aigerim", family_name="Kassymova")
    ContactFactory(given_name="Асель", family_name="Омарова")
    response = coordinator_api.get("/api/v1/contacts/", {"search": query})
    assert _names(response) == ["Aigerim Kassymova", "Айгерим Касымова"]


def test_search_matches_email(coordinator_api):
    ContactFactory(given_name="Press", family_name="Desk", email="press@citypulse.example")
    ContactFactory(given_name="Other", family_name="Person")
    response = coordinator_api.get("/api/v1/contacts/", {"search": "citypulse"})
    assert _names(response) == ["Press Desk"]


def test_filters_by_sector_organisation_city_tag_language_and_forum(coordinator_api):
    kbtu = OrganisationFactory(name="KBTU", sector="academia")
    a = ContactFactory(given_name="A", family_name="", city="Almaty", language="kk")
    b = ContactFactory(given_name="B", family_name="", city="Shymkent", language="ru")
    c = ContactFactory(given_name="C", family_name="", city="almaty", language="en")
    affiliation_create(contact=a, organisation=kbtu, is_primary=True)
    a.tags.add("transport")
    c.tags.add("Transport")
    forum = ForumFactory()
    ParticipationFactory(contact=b, forum=forum, status="attended")
    ParticipationFactory(contact=c, forum=forum, status="no_show")

    def names(**params):
        return _names(coordinator_api.get("/api/v1/contacts/", params))

    assert names(sector="academia") == ["A"]
    assert names(organisation=kbtu.pk) == ["A"]
    assert names(city="Almaty") == ["A", "C"]
    assert names(tag="transport") == ["A", "C"]
    assert names(language="ru") == ["B"]
    assert names(forum=forum.pk) == ["B"]


def test_organisation_filter_ignores_people_who_left(coordinator_api):
    organisation = OrganisationFactory()
    AffiliationFactory(organisation=organisation, contact=ContactFactory(given_name="Left"))
    organisation.affiliations.update(end_date="2019-01-01", is_primary=False)
    AffiliationFactory(organisation=organisation, contact=ContactFactory(given_name="Stays"))
    response = coordinator_api.get("/api/v1/contacts/", {"organisation": organisation.pk})
    assert [r["given_name"] for r in response.json()["results"]] == ["Stays"]


def test_ordering(coordinator_api):
    for name in ("Ccc", "Aaa", "Bbb"):
        ContactFactory(family_name=name)
    response = coordinator_api.get("/api/v1/contacts/", {"ordering": "-family_name"})
    assert [r["family_name"] for r in response.json()["results"]] == ["Ccc", "Bbb", "Aaa"]


def test_pagination(coordinator_api):
    for _ in range(7):
        ContactFactory()
    page = coordinator_api.get("/api/v1/contacts/", {"page_size": 3, "page": 3}).json()
    assert page["count"] == 7
    assert len(page["results"]) == 1
    assert coordinator_api.get("/api/v1/contacts/", {"page": 9}).status_code == 404


def test_history_says_who_changed_what_and_when(coordinator_api):
    created = coordinator_api.post("/api/v1/contacts/", {"given_name": "Ерлан"}).json()
    url = f"/api/v1/contacts/{created['id']}/"
    coordinator_api.patch(url, {"city": "Shymkent"})
    coordinator_api.post(
        "/api/v1/consents/",
        {"contact": created["id"], "purpose": "forum_updates", "granted": True, "source": "form"},
    )
    history = coordinator_api.get(url + "history/").json()["results"]
    kinds = [(h["model"], h["kind"]) for h in history]
    assert kinds == [("consent", "created"), ("contact", "changed"), ("contact", "created")]
    change = history[1]
    assert change["who"] == "coord"
    assert change["changes"] == {"city": ["", "Shymkent"]}


def test_clearing_the_sector_hands_it_back_to_the_affiliations(coordinator_api):
    contact = ContactFactory()
    affiliation_create(
        contact=contact, organisation=OrganisationFactory(sector="media"), is_primary=True
    )
    url = f"/api/v1/contacts/{contact.pk}/"
    for cleared in ("", None):
        body = coordinator_api.patch(url, {"sector": cleared}, format="json").json()
        assert (body["sector"], body["sector_source"]) == ("media", "affiliation")
    pinned = coordinator_api.patch(url, {"sector": "business"}, format="json").json()
    assert (pinned["sector"], pinned["sector_source"]) == ("business", "explicit")
    back = coordinator_api.patch(url, {"sector": None}, format="json").json()
    assert (back["sector"], back["sector_source"]) == ("media", "affiliation")


def test_derived_sector_changes_are_in_the_contacts_history(coordinator_api):
    contact = ContactFactory()
    organisation = OrganisationFactory(sector="media")
    coordinator_api.post(
        "/api/v1/affiliations/",
        {"contact": contact.pk, "organisation": organisation.pk, "is_primary": True},
    )
    coordinator_api.patch(f"/api/v1/organisations/{organisation.pk}/", {"sector": "academia"})
    history = coordinator_api.get(f"/api/v1/contacts/{contact.pk}/history/").json()["results"]
    sector_changes = [h["changes"]["sector"] for h in history if "sector" in h["changes"]]
    assert sector_changes[:2] == [["media", "academia"], ["", "media"]]
    assert all(h["who"] == "coord" for h in history if "sector" in h["changes"])


def test_history_entries_name_fields_the_same_way_when_created_and_changed(coordinator_api):
    contact = ContactFactory()
    organisation = OrganisationFactory()
    created = coordinator_api.post(
        "/api/v1/affiliations/", {"contact": contact.pk, "organisation": organisation.pk}
    ).json()
    coordinator_api.patch(
        f"/api/v1/affiliations/{created['id']}/", {"organisation": OrganisationFactory().pk}
    )
    history = coordinator_api.get(f"/api/v1/affiliations/{created['id']}/history/").json()
    changed, made = history["results"]
    assert "organisation" in changed["changes"]
    assert made["changes"]["organisation"] == [None, organisation.pk]


def test_topics_are_one_vocabulary_whatever_the_case(coordinator_api):
    first = coordinator_api.post(
        "/api/v1/contacts/", {"given_name": "A", "tags": ["Tourism"]}, format="json"
    ).json()
    coordinator_api.post(
        "/api/v1/contacts/", {"given_name": "B", "tags": ["TOURISM"]}, format="json"
    )
    from taggit.models import Tag

    assert Tag.objects.count() == 1
    listed = coordinator_api.get("/api/v1/contacts/", {"tag": "tourism"}).json()
    assert listed["count"] == 2
    assert first["tags"] == ["Tourism"]
