import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from crm.models import Affiliation, Participation
from crm.services.participation import participation_create, participation_update
from tests.factories import AffiliationFactory, ContactFactory, ForumFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_organisation_of_the_day_is_recorded_not_todays():
    contact = ContactFactory()
    ngo, firm = OrganisationFactory(sector="civil_society"), OrganisationFactory(sector="business")
    AffiliationFactory(
        contact=contact,
        organisation=ngo,
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2018, 12, 31),
        is_primary=True,
    )
    AffiliationFactory(
        contact=contact, organisation=firm, start_date=dt.date(2019, 1, 1), is_primary=True
    )
    early = participation_create(contact=contact, forum=ForumFactory(date=dt.date(2018, 5, 1)))
    late = participation_create(contact=contact, forum=ForumFactory(date=dt.date(2019, 5, 1)))
    assert early.organisation == ngo
    assert late.organisation == firm


def test_a_contact_is_recorded_once_per_forum():
    contact, forum = ContactFactory(), ForumFactory()
    participation_create(contact=contact, forum=forum)
    with pytest.raises(ValidationError):
        participation_create(contact=contact, forum=forum, status="attended")
    assert Participation.objects.count() == 1


def test_registration_stops_at_capacity_but_attendance_is_recorded():
    forum = ForumFactory(capacity=2)
    participation_create(contact=ContactFactory(), forum=forum)
    participation_create(contact=ContactFactory(), forum=forum)
    with pytest.raises(ValidationError) as error:
        participation_create(contact=ContactFactory(), forum=forum)
    assert "status" in error.value.message_dict
    waitlisted = participation_create(contact=ContactFactory(), forum=forum, status="waitlisted")
    walk_in = participation_create(contact=ContactFactory(), forum=forum, status="attended")
    assert walk_in.status == "attended"
    with pytest.raises(ValidationError):
        participation_update(participation=waitlisted, data={"status": "registered"})


def test_a_participation_cannot_move_to_another_forum():
    participation = participation_create(contact=ContactFactory(), forum=ForumFactory())
    with pytest.raises(ValidationError):
        participation_update(participation=participation, data={"forum": ForumFactory()})


def test_the_organisation_of_the_day_prefers_a_dated_tie_on_every_database():
    contact = ContactFactory()
    dated, undated = OrganisationFactory(name="Dated"), OrganisationFactory(name="Undated")
    AffiliationFactory(
        contact=contact, organisation=dated, start_date=dt.date(2010, 1, 1), is_primary=True
    )
    Affiliation.objects.create(contact=contact, organisation=undated, start_date=None)
    forum = ForumFactory(date=dt.date(2018, 1, 1))
    assert participation_create(contact=contact, forum=forum).organisation == dated
