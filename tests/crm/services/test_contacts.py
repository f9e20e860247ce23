import pytest
from django.core.exceptions import ValidationError

from crm.models import Contact
from crm.services.affiliations import affiliation_create, affiliation_end
from crm.services.contacts import contact_create, contact_update
from crm.services.organisations import organisation_update
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_sector_follows_the_current_primary_affiliation():
    contact = contact_create(given_name="Асель", family_name="Омарова")
    assert contact.sector == ""
    akimat = OrganisationFactory(name="Akimat", sector="government")
    affiliation_create(contact=contact, organisation=akimat, is_primary=True)
    contact.refresh_from_db()
    assert (contact.sector, contact.sector_explicit) == ("government", False)


def test_a_new_primary_affiliation_moves_the_sector_and_keeps_the_old_tie():
    contact = ContactFactory()
    ngo = OrganisationFactory(sector="civil_society")
    firm = OrganisationFactory(sector="business")
    old = affiliation_create(contact=contact, organisation=ngo, is_primary=True)
    new = affiliation_create(contact=contact, organisation=firm, is_primary=True)
    old.refresh_from_db()
    contact.refresh_from_db()
    assert contact.sector == "business"
    assert old.is_primary is False
    assert old.end_date is None
    assert new.is_primary is True


def test_an_explicit_sector_is_kept_until_cleared():
    contact = contact_create(given_name="Emma", sector="media")
    affiliation_create(
        contact=contact, organisation=OrganisationFactory(sector="academia"), is_primary=True
    )
    contact.refresh_from_db()
    assert (contact.sector, contact.sector_explicit) == ("media", True)

    contact = contact_update(contact=contact, data={"sector": None})
    assert (contact.sector, contact.sector_explicit) == ("academia", False)


def test_ending_the_only_affiliation_keeps_the_last_known_sector():
    contact = ContactFactory()
    affiliation = affiliation_create(
        contact=contact, organisation=OrganisationFactory(sector="academia"), is_primary=True
    )
    affiliation_end(affiliation=affiliation)
    contact.refresh_from_db()
    assert contact.sector == "academia"
    assert contact.affiliations.count() == 1


def test_changing_an_organisations_sector_moves_its_people():
    organisation = OrganisationFactory(sector="other")
    people = [ContactFactory() for _ in range(3)]
    for person in people:
        affiliation_create(contact=person, organisation=organisation, is_primary=True)
    pinned = contact_create(given_name="Pinned", sector="media")
    affiliation_create(contact=pinned, organisation=organisation, is_primary=True)

    organisation_update(organisation=organisation, data={"sector": "business"})

    assert set(
        Contact.objects.filter(pk__in=[p.pk for p in people]).values_list("sector", flat=True)
    ) == {"business"}
    pinned.refresh_from_db()
    assert pinned.sector == "media"


def test_email_is_unique_ignoring_case():
    contact_create(given_name="A", email="Aigerim@Example.org")
    with pytest.raises(ValidationError) as error:
        contact_create(given_name="B", email="aigerim@example.ORG")
    assert "email" in error.value.message_dict


def test_names_are_tidied_and_searchable_in_either_script():
    contact = contact_create(given_name="  Айгерим ", family_name="Касымова  ", email=" X@Y.org ")
    assert (contact.given_name, contact.family_name, contact.email) == (
        "Айгерим",
        "Касымова",
        "x@y.org",
    )
    assert "aigerim" in contact.search_key
