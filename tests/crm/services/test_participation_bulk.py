"""Services the forum page's bulk actions and the check-in's walk-ins call."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from crm.models import Participation
from crm.services.lists import contact_list_create
from crm.services.participation import (
    participation_create,
    participation_create_many,
    participation_invite_contact_list,
    participation_mark_no_shows,
    participation_walk_in,
)
from tests.factories import ContactFactory, ForumFactory

pytestmark = pytest.mark.django_db


def test_several_registrations_fit_or_none_is_recorded():
    forum = ForumFactory(capacity=3)
    participation_create(contact=ContactFactory(), forum=forum)
    with pytest.raises(ValidationError) as refused:
        participation_create_many(forum=forum, contacts=ContactFactory.create_batch(3))
    assert "3 places, 2 free" in refused.value.messages[0]
    assert Participation.objects.filter(forum=forum).count() == 1
    added = participation_create_many(
        forum=forum, contacts=ContactFactory.create_batch(2), role="speaker"
    )
    assert [(p.status, p.role) for p in added] == [("registered", "speaker")] * 2
    # Waitlisted people hold no seat, so any number can wait.
    participation_create_many(
        forum=forum, contacts=ContactFactory.create_batch(4), status="waitlisted"
    )
    assert Participation.objects.filter(forum=forum, status="waitlisted").count() == 4


def test_a_list_is_invited_and_those_already_recorded_are_left_alone():
    forum = ForumFactory()
    registered, *others = ContactFactory.create_batch(3)
    participation_create(contact=registered, forum=forum)
    saved = contact_list_create(name="List", contacts=[registered, *others])
    invited, skipped = participation_invite_contact_list(forum=forum, contact_list=saved)
    assert sorted(p.contact_id for p in invited) == sorted(c.pk for c in others)
    assert skipped == 1
    assert Participation.objects.get(forum=forum, contact=registered).status == "registered"


def test_no_shows_wait_until_the_day_is_over():
    day = dt.date(2025, 6, 1)
    forum = ForumFactory(date=day)
    came, absent = ContactFactory(), ContactFactory()
    participation_create(contact=came, forum=forum, status="attended")
    participation_create(contact=absent, forum=forum)
    with pytest.raises(ValidationError):
        participation_mark_no_shows(forum=forum, today=day)
    assert participation_mark_no_shows(forum=forum, today=day + dt.timedelta(days=1)) == 1
    statuses = dict(Participation.objects.values_list("contact_id", "status"))
    assert statuses == {came.pk: "attended", absent.pk: "no_show"}


def test_a_walk_in_is_attended_whatever_they_were_and_past_capacity():
    forum = ForumFactory(capacity=1)
    participation_create(contact=ContactFactory(), forum=forum)
    stranger, cancelled = ContactFactory(), ContactFactory()
    participation_create(contact=cancelled, forum=forum, status="cancelled")
    assert participation_walk_in(forum=forum, contact=stranger).status == "attended"
    assert participation_walk_in(forum=forum, contact=cancelled).status == "attended"
    assert Participation.objects.filter(forum=forum).count() == 3
