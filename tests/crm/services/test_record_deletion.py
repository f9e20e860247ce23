"""Deleting records through the services: what is still in use stays, and the refusal says
by what, in the API as on the pages; what is unused goes. Plus the contact intake and the
end of a membership."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from crm.models import Consent, Contact, WorkingGroup
from crm.services.common import still_in_use_message
from crm.services.intake import contact_intake
from crm.services.working_groups import membership_end, working_group_delete
from tests.factories import ContactFactory, OrganisationFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def test_a_working_group_with_members_is_not_deleted(coordinator_api):
    group = WorkingGroupFactory()
    membership = group.memberships.create(contact=ContactFactory())
    with pytest.raises(ProtectedError) as refused:
        working_group_delete(working_group=group)
    assert "memberships" in still_in_use_message(refused.value)
    response = coordinator_api.delete(f"/api/v1/working-groups/{group.pk}/")
    assert response.status_code == 409
    assert "still in use" in response.json()["detail"]
    assert WorkingGroup.objects.filter(pk=group.pk).exists()
    membership.delete()
    assert coordinator_api.delete(f"/api/v1/working-groups/{group.pk}/").status_code == 204


def test_ending_a_membership_keeps_it_and_cannot_happen_twice():
    group = WorkingGroupFactory()
    membership = group.memberships.create(contact=ContactFactory(), joined_on=dt.date(2025, 1, 1))
    membership_end(membership=membership, left_on=dt.date(2025, 6, 1))
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2025, 6, 1)
    with pytest.raises(ValidationError) as twice:
        membership_end(membership=membership)
    assert "already ended" in str(twice.value)
    with pytest.raises(ValidationError) as early:
        membership_end(
            membership=group.memberships.create(
                contact=ContactFactory(), joined_on=dt.date(2025, 1, 1)
            ),
            left_on=dt.date(2024, 1, 1),
        )
    assert "before the joining date" in str(early.value)


def test_contact_intake_writes_all_or_nothing():
    organisation = OrganisationFactory(sector="media")
    contact = contact_intake(
        details={"given_name": "Дана", "email": "dana@example.org"},
        organisation=organisation,
        position="Editor",
        consent_purposes=["forum_updates"],
        text_version="v1",
    )
    assert contact.affiliations.get().position == "Editor"
    assert contact.consents.get().source == "in_person"
    # A duplicate e-mail and a missing text version are reported together; nothing is kept.
    with pytest.raises(ValidationError) as refused:
        contact_intake(
            details={"given_name": "Дана", "email": "dana@example.org"},
            organisation=organisation,
            consent_purposes=["forum_updates"],
        )
    assert {"email", "text_version"} <= set(refused.value.message_dict)
    assert Contact.objects.count() == 1
    assert Consent.objects.count() == 1
