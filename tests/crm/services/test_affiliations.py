import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from crm.models import Affiliation
from crm.services.affiliations import affiliation_create, affiliation_end, affiliation_update
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_ending_an_affiliation_keeps_it_with_its_dates():
    affiliation = affiliation_create(
        contact=ContactFactory(),
        organisation=OrganisationFactory(),
        start_date=dt.date(2016, 1, 1),
        is_primary=True,
    )
    affiliation_end(affiliation=affiliation, end_date=dt.date(2019, 6, 30))
    affiliation.refresh_from_db()
    assert affiliation.end_date == dt.date(2019, 6, 30)
    assert affiliation.history.count() == 2


def test_an_affiliation_cannot_end_before_it_started():
    affiliation = affiliation_create(
        contact=ContactFactory(), organisation=OrganisationFactory(), start_date=dt.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError):
        affiliation_end(affiliation=affiliation, end_date=dt.date(2018, 1, 1))
    affiliation.refresh_from_db()
    assert affiliation.end_date is None


def test_ending_twice_is_refused():
    affiliation = affiliation_create(contact=ContactFactory(), organisation=OrganisationFactory())
    affiliation_end(affiliation=affiliation, end_date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        affiliation_end(affiliation=affiliation)


def test_one_current_affiliation_per_organisation():
    contact, organisation = ContactFactory(), OrganisationFactory()
    affiliation_create(contact=contact, organisation=organisation)
    with pytest.raises(ValidationError):
        affiliation_create(contact=contact, organisation=organisation)
    # Coming back after leaving is a new, separate span.
    Affiliation.objects.filter(contact=contact).update(end_date=dt.date(2018, 1, 1))
    affiliation_create(contact=contact, organisation=organisation, start_date=dt.date(2019, 1, 1))
    assert contact.affiliations.count() == 2


def test_making_an_old_affiliation_primary_demotes_the_current_primary():
    contact = ContactFactory()
    first = affiliation_create(contact=contact, organisation=OrganisationFactory(), is_primary=True)
    second = affiliation_create(contact=contact, organisation=OrganisationFactory())
    affiliation_update(affiliation=second, data={"is_primary": True})
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
