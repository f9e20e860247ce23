import datetime as dt

import pytest
from django.utils import timezone

from crm.selectors.consent import consent_states
from crm.services.consent import consent_record
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_latest_record_decides_and_nothing_is_deleted():
    contact = ContactFactory()
    now = timezone.now()
    consent_record(
        contact=contact,
        purpose="forum_updates",
        granted=True,
        source="form",
        recorded_at=now - dt.timedelta(days=10),
    )
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is True
    consent_record(
        contact=contact, purpose="forum_updates", granted=False, source="form", recorded_at=now
    )
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False
    assert contact.consents.count() == 2


def test_a_backdated_grant_does_not_override_a_later_withdrawal():
    contact = ContactFactory()
    now = timezone.now()
    consent_record(
        contact=contact, purpose="forum_updates", granted=False, source="form", recorded_at=now
    )
    consent_record(
        contact=contact,
        purpose="forum_updates",
        granted=True,
        source="import",
        recorded_at=now - dt.timedelta(days=30),
    )
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False


def test_purposes_are_independent_and_absence_means_no_consent():
    contact, never_asked = ContactFactory(), ContactFactory()
    consent_record(contact=contact, purpose="working_group", granted=True, source="in_person")
    states = consent_states([contact.pk, never_asked.pk])
    assert states[contact.pk] == {"forum_updates": None, "working_group": True}
    assert states[never_asked.pk] == {"forum_updates": None, "working_group": None}


def test_page_states_follow_the_latest_record_per_purpose():
    contact = ContactFactory()
    now = timezone.now()
    for days_ago, granted in ((30, True), (1, False), (20, True)):
        consent_record(
            contact=contact,
            purpose="forum_updates",
            granted=granted,
            source="form",
            recorded_at=now - dt.timedelta(days=days_ago),
        )
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False
