"""The database itself holds the rules, even for writes that skip model validation."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from crm.models import Affiliation, Contact, Forum, Organisation, Participation
from tests.factories import ContactFactory, ForumFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_unknown_sector_is_rejected_by_the_database():
    _rejected(
        lambda: Organisation.objects.bulk_create(
            [Organisation(name="X", name_key="x", sector="army")]
        )
    )


def test_email_unique_even_for_raw_inserts():
    ContactFactory(email="a@example.org")
    _rejected(lambda: Contact.objects.bulk_create([Contact(given_name="B", email="a@example.org")]))


def test_upper_case_email_cannot_slip_past_the_lower_case_index():
    _rejected(lambda: Contact.objects.bulk_create([Contact(given_name="B", email="B@example.org")]))


def test_organisation_name_key_is_unique():
    OrganisationFactory(name="Green Almaty")
    _rejected(
        lambda: Organisation.objects.bulk_create(
            [Organisation(name="GREEN almaty", name_key="green almaty", sector="business")]
        )
    )


def test_two_current_primaries_are_impossible():
    contact = ContactFactory()
    Affiliation.objects.create(contact=contact, organisation=OrganisationFactory(), is_primary=True)
    _rejected(
        lambda: Affiliation.objects.create(
            contact=contact, organisation=OrganisationFactory(), is_primary=True
        )
    )


def test_affiliation_cannot_end_before_it_starts():
    _rejected(
        lambda: Affiliation.objects.create(
            contact=ContactFactory(),
            organisation=OrganisationFactory(),
            start_date=dt.date(2020, 1, 1),
            end_date=dt.date(2019, 1, 1),
        )
    )


def test_participation_is_unique_per_contact_and_forum():
    contact, forum = ContactFactory(), ForumFactory()
    Participation.objects.create(contact=contact, forum=forum)
    _rejected(lambda: Participation.objects.create(contact=contact, forum=forum))


def test_unknown_participation_status_is_rejected():
    _rejected(
        lambda: Participation.objects.create(
            contact=ContactFactory(), forum=ForumFactory(), status="maybe"
        )
    )


def test_forum_number_is_unique_within_its_programme():
    forum = ForumFactory(number=3)
    _rejected(
        lambda: Forum.objects.create(
            programme=forum.programme, number=3, title="Again", date=dt.date(2020, 1, 1)
        )
    )


def test_forum_cannot_end_before_it_starts():
    _rejected(
        lambda: Forum.objects.create(
            title="Backwards",
            date=dt.date(2020, 1, 1),
            start_time=dt.time(15),
            end_time=dt.time(10),
        )
    )
